import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { auditLog, items } from '../../../src/db/schema/index.js';
import { planList, type ListSpec } from '../../../src/http/list/engine.js';
import { ApiError } from '../../../src/http/errors.js';

const dialect = new PgDialect();
const text = (q: Parameters<PgDialect['sqlToQuery']>[0]) => dialect.sqlToQuery(q).sql;
const cursor = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');

type Audit = typeof auditLog.$inferSelect;
const audit: ListSpec<Audit> = {
  sorts: { id: { column: auditLog.id, value: (r) => r.id } },
  id: { column: auditLog.id, value: (r) => r.id },
  defaultSort: '-id',
};
type Item = typeof items.$inferSelect;
const item: ListSpec<Item> = {
  sorts: { shortID: { column: items.shortId, kind: 'string', value: (r) => r.shortId } },
  id: { column: items.id, value: (r) => r.id },
};

describe('planList', () => {
  it('a deep cursor page is a keyset condition with no offset, whatever the depth', () => {
    const plan = planList(audit, { page: 1, pageSize: 50, after: cursor(['id', 1_000_000, 1_000_000]) });
    expect(plan.offset).toBe(0);
    expect(plan.limit).toBe(51);
    expect(text(plan.cursor!)).toBe('"audit_log"."id" < $1');
    expect(plan.orderBy.map(text)).toEqual(['"audit_log"."id" desc']);
  });

  it('a sorted cursor compares (sort key, id) as a row; a page number becomes an offset', () => {
    const plan = planList(item, { page: 1, pageSize: 10, sort: '-shortID', after: cursor(['shortID', 'B-7', 42]) });
    expect(text(plan.cursor!)).toBe('("items"."short_id", "items"."id") < ($1, $2)');
    expect(planList(item, { page: 3, pageSize: 10 })).toMatchObject({ offset: 20, cursorMode: false, cursor: undefined });
    expect(planList(item, { page: 1, pageSize: 10, offset: 7 }).offset).toBe(7);
  });

  it('refuses an unknown sort field, a cursor of another sort, and page with after, naming the parameter', () => {
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        return Object.keys((err as ApiError).fields);
      }
      throw new Error('not refused');
    };
    expect(refusal(() => planList(item, { page: 1, pageSize: 10, sort: 'price' }))).toEqual(['sort']);
    expect(refusal(() => planList(item, { page: 1, pageSize: 10, after: cursor(['shortID', 'x', 1]) }))).toEqual(['after']);
    expect(refusal(() => planList(item, { page: 2, pageSize: 10, after: cursor([null, null, 1]) }))).toEqual(['page']);
    expect(refusal(() => planList(item, { page: 1, pageSize: 10, sort: 'shortID', after: cursor(['shortID', 5, 1]) }))).toEqual(['after']);
  });
});
