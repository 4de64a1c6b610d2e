import { Type, type TSchema } from '@sinclair/typebox';
import { asc, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../../auth/principal.js';
import type { Db, Tx } from '../../db/client.js';
import { accountCounters } from '../../db/schema/index.js';
import { accountStatement } from '../../db/prepared.js';
import { inAccount } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import { MAX_PAGE_SIZE, cursorPageOf, offsetOf, pageQuery, toPage } from '../../http/paging.js';

/**
 * Lists: `page`/`pageSize`, filters (declared per resource in the query schema, so an unknown one is a 400 naming it),
 * `sort=field,-field` (checked here against the resource's sortable fields), and `after=<cursor>` keyset paging
 * on (sort key, id) for exports, which costs the same at any depth.
 *
 * totalCount: an unfiltered list of a large table reads a counter kept in the same transaction as its rows; a
 * filtered list counts exactly up to COUNT_CAP (1,000) matches and reports COUNT_CAP beyond that (the page is still exact;
 * use the cursor to walk all of them). Counting millions of rows per page request would make latency grow with data.
 */
export const COUNT_CAP = 1_000;

export const listQuery = {
  ...pageQuery,
  sort: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated fields; a leading "-" sorts descending.' })),
  after: Type.Optional(Type.String({ maxLength: 500, description: "Cursor from a previous page's `next`: keyset paging for exports." })),
};

export function listOf<T extends TSchema>(item: T) {
  return cursorPageOf(item);
}

export interface SortField<Row> {
  column: PgColumn | SQL;
  /** The value's type, to check a cursor before it reaches SQL. Default 'number'. */
  kind?: 'number' | 'string' | 'date';
  /** The value of this field in a result row, for the cursor. */
  value: (row: Row) => string | number | boolean | Date;
}

export interface ListSpec<Row> {
  sorts: Record<string, SortField<Row>>;
  /** The row id column (the keyset tiebreaker) and its value. */
  id: { column: PgColumn; value: (row: Row) => number };
  defaultSort?: string;
}

export interface ListParams {
  page: number;
  pageSize: number;
  sort?: string;
  after?: string;
  /** A row offset instead of `page`, for dialects whose clients page by limit/offset (Frappe's `limit_start`, DRF's `offset`); `page` must then be 1. */
  offset?: number;
}

export interface ListPlan {
  orderBy: SQL[];
  cursor: SQL | undefined;
  limit: number;
  offset: number;
  cursorMode: boolean;
}

interface Parsed<Row> {
  field: string | null;
  descending: boolean;
  sf: SortField<Row> | null;
}

function parseSort<Row>(spec: ListSpec<Row>, sort: string | undefined): Parsed<Row>[] {
  if (!sort) return [];
  const out: Parsed<Row>[] = [];
  for (const raw of sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const descending = raw.startsWith('-');
    const name = raw.replace(/^[-+]/, '');
    const key = Object.keys(spec.sorts).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key) throw ApiError.validation({ sort: [`cannot sort by "${name}"; sortable: ${Object.keys(spec.sorts).join(', ')}`] });
    out.push({ field: key, descending, sf: spec.sorts[key]! });
  }
  return out;
}

/** A cursor is [sort field or null, its value, id]; it only continues the walk it came from. */
function decodeCursor<Row>(after: string, sort: Parsed<Row> | undefined): [unknown, number] {
  const bad = () => ApiError.validation({ after: ['is not a cursor for this list and sort'] });
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(v) || v.length !== 3 || !Number.isSafeInteger(v[2])) throw bad();
  const [field, value, id] = v as [unknown, unknown, number];
  if ((sort?.field ?? null) !== field) throw bad();
  if (sort) {
    const kind = sort.sf!.kind ?? 'number';
    const ok =
      kind === 'number'
        ? Number.isSafeInteger(value)
        : kind === 'string'
          ? typeof value === 'string'
          : typeof value === 'string' && !Number.isNaN(Date.parse(value));
    if (!ok) throw bad();
  }
  return [value, id];
}

export function planList<Row>(spec: ListSpec<Row>, q: ListParams): ListPlan & { sorts: Parsed<Row>[] } {
  const sorts = parseSort(spec, q.sort ?? spec.defaultSort);
  if (q.pageSize > MAX_PAGE_SIZE) throw ApiError.validation({ pageSize: [`must be at most ${MAX_PAGE_SIZE}`] });
  const idDesc = sorts.length === 1 && sorts[0]!.descending;
  const orderBy: SQL[] = sorts.map((s) => (s.descending ? desc(s.sf!.column) : asc(s.sf!.column)));
  const idCol = spec.id.column;
  orderBy.push(idDesc ? desc(idCol) : asc(idCol));
  let cursor: SQL | undefined;
  const cursorMode = q.after !== undefined;
  if (cursorMode) {
    if (sorts.length > 1) throw ApiError.validation({ sort: ['a cursor (after=) pages by at most one sort field'] });
    if (q.page !== 1) throw ApiError.validation({ page: ['use either page or after, not both'] });
    const [v, id] = decodeCursor(q.after!, sorts[0]);
    const op = idDesc ? sql`<` : sql`>`;
    if (sorts.length === 1) {
      const col = sorts[0]!.sf!.column;
      cursor = sql`(${col}, ${idCol}) ${op} (${v}, ${id})`;
    } else {
      cursor = sql`${idCol} ${op} ${id}`;
    }
  }
  return { sorts, orderBy, cursor, limit: q.pageSize + 1, offset: cursorMode ? 0 : (q.offset ?? offsetOf(q.page, q.pageSize)), cursorMode };
}

export function pageFrom<Row, Out>(
  spec: ListSpec<Row>,
  plan: ReturnType<typeof planList<Row>>,
  q: ListParams,
  rows: Row[],
  total: number,
  view: (r: Row) => Out,
) {
  const more = rows.length > q.pageSize;
  const shown = more ? rows.slice(0, q.pageSize) : rows;
  // Rows shown prove the rows before them exist; a page past the end proves nothing, so the count stands.
  const seen = shown.length ? (plan.cursorMode ? 0 : plan.offset) + shown.length : 0;
  const page = toPage(shown.map(view), Math.max(total, seen), plan.cursorMode ? 1 : q.page, q.pageSize);
  const out: typeof page & { next?: string } = { ...page, hasMore: more };
  if (more && plan.sorts.length <= 1) {
    const last = shown[shown.length - 1]!;
    const s = plan.sorts[0];
    let v: unknown = s ? s.sf!.value(last) : null;
    if (v instanceof Date) v = v.toISOString();
    out.next = Buffer.from(JSON.stringify([s?.field ?? null, v, spec.id.value(last)])).toString('base64url');
  }
  return out;
}

const counterRow = accountStatement<{ name: string }, { n: number }[]>('qm_counter_value', (db, scope) =>
  db
    .select({ n: accountCounters.n })
    .from(accountCounters)
    .where(inAccount(scope, accountCounters, eq(accountCounters.name, sql.placeholder('name')))),
);

/** A counter's value (unfiltered totals of large tables). */
export async function counterValue(ctx: RequestContext, name: string): Promise<number> {
  const [row] = await counterRow(ctx, { name });
  return Number(row?.n ?? 0);
}

export async function bumpCounter(db: Db | Tx, accountId: number, name: string, delta: number): Promise<void> {
  if (delta === 0) return;
  await db
    .insert(accountCounters)
    .values({ accountId, name, n: delta })
    .onConflictDoUpdate({ target: [accountCounters.accountId, accountCounters.name], set: { n: sql`${accountCounters.n} + ${delta}` } });
}

/** Exact count of the rows a filtered query matches, up to COUNT_CAP. */
export async function cappedCount(db: Db, from: { table: import('drizzle-orm/pg-core').PgTable; where: SQL | undefined }): Promise<number> {
  const sub = db
    .select({ one: sql`1`.as('one') })
    .from(from.table)
    .where(from.where)
    .limit(COUNT_CAP)
    .as('matches');
  const [row] = await db.select({ n: count() }).from(sub);
  return row?.n ?? 0;
}

/** The case-insensitive text-search condition (`q=`) over some columns. */
export function textSearch(q: string | undefined, ...columns: PgColumn[]): SQL | undefined {
  if (!q) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`(${sql.join(
    columns.map((c) => sql`${c} ilike ${pattern}`),
    sql` or `,
  )})`;
}

/** Date range filters (`from`/`to`, ISO 8601) on a timestamp column. */
export const dateRangeQuery = {
  from: Type.Optional(
    Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })], { description: 'Inclusive lower bound (ISO 8601 date or date-time).' }),
  ),
  to: Type.Optional(
    Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })], { description: 'Exclusive upper bound (ISO 8601 date or date-time).' }),
  ),
};
export function inDateRange(column: PgColumn, from?: string, to?: string): SQL[] {
  const out: SQL[] = [];
  if (from) out.push(sql`${column} >= ${new Date(from).toISOString()}`);
  if (to) out.push(sql`${column} < ${new Date(to).toISOString()}`);
  return out;
}
