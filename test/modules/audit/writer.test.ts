import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { auditLog } from '../../../src/db/schema/index.js';
import { AuditWriter } from '../../../src/audit/writer.js';
import { freshDatabase } from '../../helpers/app.js';
import type { Db } from '../../../src/db/client.js';

let db: Db;
let done: () => Promise<void>;

beforeAll(async () => {
  const fresh = await freshDatabase();
  db = fresh.database.db;
  done = async () => {
    await fresh.database.close();
    await fresh.drop();
  };
});
afterAll(() => done());

describe('the audit writer’s batch insert', () => {
  it('writes every field of every entry as given, nulls for the fields an entry leaves out, in the order written', async () => {
    const writer = new AuditWriter(db, 60_000, 1_000);
    const at = new Date('2026-01-02T03:04:05.678Z');
    writer.write({
      accountId: 7,
      userId: 8,
      username: 'ädmin "quoted" \\ back',
      event: 'request',
      credentialKind: 'token',
      credentialId: 9,
      method: 'GET',
      path: '/api/v1/Item?q=%C3%A4&x="1"',
      status: 200,
      ip: '::1',
      // A detail with nesting, arrays and nulls: whatever JSON an event carries goes through the batch parameter intact.
      detail: { clientId: 'c1', nested: { n: 1, list: [true, null] } } as { clientId: string },
      at,
    });
    writer.write({ event: 'login.failed', username: 'second' });
    await writer.close();
    const rows = await db.select().from(auditLog).where(eq(auditLog.event, 'request')).orderBy(asc(auditLog.id));
    expect(rows).toEqual([
      {
        id: expect.any(Number),
        accountId: 7,
        userId: 8,
        username: 'ädmin "quoted" \\ back',
        event: 'request',
        credentialKind: 'token',
        credentialId: 9,
        method: 'GET',
        path: '/api/v1/Item?q=%C3%A4&x="1"',
        status: 200,
        ip: '::1',
        detail: { clientId: 'c1', nested: { n: 1, list: [true, null] } },
        at,
      },
    ]);
    const [second] = await db.select().from(auditLog).where(eq(auditLog.event, 'login.failed'));
    expect(second).toMatchObject({ username: 'second', accountId: null, userId: null, credentialKind: null, credentialId: null, status: null, detail: null });
    expect(second!.id).toBeGreaterThan(rows[0]!.id);
    expect(second!.at).toBeInstanceOf(Date);
  });

  it('a queue longer than one batch goes in several inserts, every entry once and in order', async () => {
    const writer = new AuditWriter(db, 60_000, 1_000);
    for (let i = 0; i < 2_500; i++) writer.write({ accountId: 11, event: 'request', status: i });
    await writer.close();
    const rows = await db.select({ status: auditLog.status }).from(auditLog).where(eq(auditLog.accountId, 11)).orderBy(asc(auditLog.id));
    expect(rows.map((r) => r.status)).toEqual(Array.from({ length: 2_500 }, (_, i) => i));
  });

  it('entries written while a flush runs wait for the next flush: a stream of requests is not a stream of inserts', async () => {
    const writer = new AuditWriter(db, 60_000, 1_000);
    writer.write({ accountId: 12, event: 'request' });
    const first = writer.flush();
    // One entry a millisecond, for longer than an insert takes.
    for (let i = 0; i < 100; i++) {
      writer.write({ accountId: 12, event: 'request' });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await first;
    await writer.close();
    // Rows of one insert share its transaction id (xmin): one per statement.
    const [counted] = await db
      .select({ rows: sql<number>`count(*)::int`, statements: sql<number>`count(distinct xmin::text)::int` })
      .from(auditLog)
      .where(eq(auditLog.accountId, 12));
    expect(counted).toEqual({ rows: 101, statements: expect.any(Number) });
    expect(counted!.statements).toBeLessThanOrEqual(3);
  });
});
