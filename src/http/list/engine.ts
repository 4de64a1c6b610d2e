import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { and, asc, desc, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { inAccount } from '../../db/scoped.js';
import { ApiError } from '../errors.js';
import { totalOf, type CounterName } from './count.js';

/**
 * The one list engine. Every list of the API (and the dialects' pagers over it) goes through here:
 *
 * - `page`/`pageSize` (pageSize at most 500; pages stop at 2³¹−1, so the offset, at most about 10¹² rows, is an exact
 *   number and fits the database's bigint), or a row `offset` for dialects whose clients page by limit/offset;
 * - filters, declared per resource in its query schema (so an unknown one is a 400 naming it) and passed here as SQL;
 * - `sort=field,-field`, checked here against the resource's sortable fields;
 * - `after=<cursor>`, keyset paging on (sort key, id), which costs the same at any depth;
 * - `totalCount` by the one count policy (./count.ts).
 */
export const MAX_PAGE_SIZE = 500;
export const MAX_PAGE = 2_147_483_647;

export const pageQuery = {
  page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Page number, from 1.' }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50, description: `Items per page (at most ${MAX_PAGE_SIZE}).` }),
};

export const afterQuery = {
  after: Type.Optional(Type.String({ maxLength: 500, description: "Cursor from a previous page's `next`: keyset paging for exports." })),
};

export const listQuery = {
  ...pageQuery,
  sort: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated fields; a leading "-" sorts descending.' })),
  ...afterQuery,
};

function envelope<T extends TSchema>(item: T) {
  return {
    value: Type.Array(item),
    totalCount: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    pageCount: Type.Integer(),
    hasMore: Type.Boolean(),
  };
}

/** The list envelope: `{"value":[...],"totalCount","page","pageSize","pageCount","hasMore"}`. */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object(envelope(item));
}

/** The same envelope plus `next`, the cursor for keyset paging, on lists that offer it. */
export function listOf<T extends TSchema>(item: T) {
  return Type.Object({
    ...envelope(item),
    next: Type.Optional(Type.String({ description: 'Cursor for the next page (present when sorting allows it and more rows follow): pass it as `after`.' })),
  });
}

/** The envelope's type, from its schema (with the rows' own type). */
export type Page<T> = Omit<Static<ReturnType<typeof pageOf<TSchema>>>, 'value'> & { value: T[] };
export type ListPage<T> = Page<T> & Omit<Static<ReturnType<typeof listOf<TSchema>>>, 'value'>;

export function toPage<T>(value: T[], totalCount: number, page: number, pageSize: number): Page<T> {
  const pageCount = Math.ceil(totalCount / pageSize);
  return { value, totalCount, page, pageSize, pageCount, hasMore: page < pageCount };
}

export function offsetOf(page: number, pageSize: number): number {
  return (page - 1) * pageSize;
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
  /** The sort when the client names none, e.g. `-id` for newest first. */
  defaultSort?: string;
}

/** What a client asks of a list: the paging, sort and cursor parameters (filters are the resource's own). */
export interface ListParams {
  page: number;
  pageSize: number;
  sort?: string;
  after?: string;
  /** A row offset instead of `page`, for dialects whose clients page by limit/offset (Frappe's `limit_start`, DRF's `offset`); `page` must then be 1. */
  offset?: number;
}

interface Parsed<Row> {
  field: string;
  descending: boolean;
  sf: SortField<Row>;
}

export interface ListPlan<Row> {
  sorts: Parsed<Row>[];
  orderBy: SQL[];
  cursor: SQL | undefined;
  limit: number;
  offset: number;
  cursorMode: boolean;
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
    const kind = sort.sf.kind ?? 'number';
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

function orderOf<Row>(spec: ListSpec<Row>, sort: string | undefined): { sorts: Parsed<Row>[]; orderBy: SQL[] } {
  const sorts = parseSort(spec, sort);
  const idDesc = sorts.length === 1 && sorts[0]!.descending;
  const idCol = spec.id.column;
  const orderBy: SQL[] = sorts.filter((s) => s.sf.column !== idCol).map((s) => (s.descending ? desc(s.sf.column) : asc(s.sf.column)));
  orderBy.push(idDesc ? desc(idCol) : asc(idCol));
  return { sorts, orderBy };
}

/** The order of a list when the client names none, worked out once per list (most requests name none). */
const defaults = new WeakMap<ListSpec<never>, ReturnType<typeof orderOf<never>>>();
function defaultOrder<Row>(spec: ListSpec<Row>): { sorts: Parsed<Row>[]; orderBy: SQL[] } {
  let order = defaults.get(spec) as ReturnType<typeof orderOf<Row>> | undefined;
  if (!order) {
    order = orderOf(spec, spec.defaultSort);
    defaults.set(spec, order);
  }
  return order;
}

/** The ORDER BY, the keyset condition, LIMIT (one row more than the page, to know whether more follow) and OFFSET of a list request. */
export function planList<Row>(spec: ListSpec<Row>, q: ListParams): ListPlan<Row> {
  const { sorts, orderBy } = q.sort === undefined ? defaultOrder(spec) : orderOf(spec, q.sort);
  if (q.pageSize > MAX_PAGE_SIZE) throw ApiError.validation({ pageSize: [`must be at most ${MAX_PAGE_SIZE}`] });
  const idDesc = sorts.length === 1 && sorts[0]!.descending;
  const idCol = spec.id.column;
  let cursor: SQL | undefined;
  const cursorMode = q.after !== undefined;
  if (cursorMode) {
    if (sorts.length > 1) throw ApiError.validation({ sort: ['a cursor (after=) pages by at most one sort field'] });
    if (q.page !== 1) throw ApiError.validation({ page: ['use either page or after, not both'] });
    const [v, id] = decodeCursor(q.after!, sorts[0]);
    const op = idDesc ? sql`<` : sql`>`;
    const col = sorts[0]?.sf.column;
    cursor = col !== undefined && col !== idCol ? sql`(${col}, ${idCol}) ${op} (${v}, ${id})` : sql`${idCol} ${op} ${id}`;
  }
  return { sorts, orderBy, cursor, limit: q.pageSize + 1, offset: cursorMode ? 0 : (q.offset ?? offsetOf(q.page, q.pageSize)), cursorMode };
}

/** The page answered for rows fetched by a plan (at most `limit` rows: the extra one only says more follow). */
export function pageFrom<Row, Out>(spec: ListSpec<Row>, plan: ListPlan<Row>, q: ListParams, rows: Row[], total: number, view: (r: Row) => Out): ListPage<Out> {
  return pageOfRows(spec, plan, q, rows, total, (shown) => shown.map(view));
}

function pageOfRows<Row, Out>(
  spec: ListSpec<Row>,
  plan: ListPlan<Row>,
  q: ListParams,
  rows: Row[],
  total: number,
  views: (rows: Row[]) => Out[],
): ListPage<Out> {
  const more = rows.length > q.pageSize;
  const shown = more ? rows.slice(0, q.pageSize) : rows;
  // Rows shown prove the rows before them exist; a page past the end proves nothing, so the count stands.
  const seen = shown.length ? (plan.cursorMode ? 0 : plan.offset) + shown.length : 0;
  const totalCount = Math.max(total, seen);
  const out: ListPage<Out> = {
    value: views(shown),
    totalCount,
    page: plan.cursorMode ? 1 : q.page,
    pageSize: q.pageSize,
    pageCount: Math.ceil(totalCount / q.pageSize),
    hasMore: more,
  };
  if (more && plan.sorts.length <= 1) {
    const last = shown[shown.length - 1]!;
    const s = plan.sorts[0];
    let v: unknown = s ? s.sf.value(last) : null;
    if (v instanceof Date) v = v.toISOString();
    out.next = Buffer.from(JSON.stringify([s?.field ?? null, v, spec.id.value(last)])).toString('base64url');
  }
  return out;
}

export interface ListSource<Row> {
  /** The table listed; also the table counted. */
  table: PgTable & { accountId: PgColumn };
  /** The resource's filters (undefined ones are dropped); the account is added here. */
  filters: (SQL | undefined)[];
  /** The maintained counter holding the unfiltered total, where the table has one. */
  counter?: CounterName;
  /** The page's rows, when they are more than `select * from table` (a join): given the full condition and the plan. */
  rows?: (where: SQL | undefined, plan: ListPlan<Row>) => Promise<Row[]>;
}

/**
 * Runs a list: plans it, fetches one page of rows (plus one) and the total by the count policy, in parallel, and
 * answers the envelope. `view` turns the page's rows into the answer's objects (it may batch look-ups).
 */
export async function runList<Row, Out>(
  ctx: { db: Db; accountId: number },
  spec: ListSpec<Row>,
  q: ListParams,
  source: ListSource<Row>,
  view: (rows: Row[]) => Out[] | Promise<Out[]>,
): Promise<ListPage<Out>> {
  const plan = planList(spec, q);
  const filters = source.filters.filter((f): f is SQL => f !== undefined);
  const where = inAccount(ctx, source.table, ...filters);
  const fetch =
    source.rows?.(and(where, plan.cursor), plan) ??
    (ctx.db
      .select()
      .from(source.table)
      .where(and(where, plan.cursor))
      .orderBy(...plan.orderBy)
      .limit(plan.limit)
      .offset(plan.offset) as unknown as Promise<Row[]>);
  const [rows, total] = await Promise.all([fetch, totalOf(ctx, { table: source.table, where, filtered: filters.length > 0, counter: source.counter })]);
  const shown = rows.length > q.pageSize ? rows.slice(0, q.pageSize) : rows;
  const out = await view(shown);
  return pageOfRows(spec, plan, q, rows, total, () => out);
}
