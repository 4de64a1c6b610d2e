import { count, eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import { accountStatement } from '../../db/prepared.js';
import { accountCounters } from '../../db/schema/index.js';
import { inAccount } from '../../db/scoped.js';

/**
 * The one count policy of lists (`totalCount`):
 *
 * - an unfiltered list of a table with a maintained counter reads the counter, kept in the same transaction as
 *   the rows (so `GET /Item?page=1&pageSize=10` does not count a million rows on every call);
 * - any other list counts exactly up to COUNT_CAP (1,000) matches and reports COUNT_CAP beyond that (the page is
 *   still exact, `hasMore` and `next` too; use the cursor to walk all of them). Counting millions of rows per page
 *   request would make latency grow with data.
 *
 * The engine never reports fewer rows than the page has already shown (./engine.ts).
 */
export const COUNT_CAP = 1_000;

/** The tables whose row count is maintained per account (by the writes that add or remove their rows). */
export type CounterName = 'items' | 'lots' | 'stock_levels' | 'stock_transactions';

const counterRow = accountStatement<{ name: string }, { n: number }[]>('qm_counter_value', (db, scope) =>
  db
    .select({ n: accountCounters.n })
    .from(accountCounters)
    .where(inAccount(scope, accountCounters, eq(accountCounters.name, sql.placeholder('name')))),
);

/**
 * A counter as a scalar sub-select, for a page query to carry on each of its rows: page and total in one statement
 * and one round trip (the sub-select does not depend on the row, so the database evaluates it once). `accountId` is
 * the caller's account or a statement's account placeholder. An empty page carries nothing: read `counterValue`.
 */
export function counterOnRows(accountId: number | SQLWrapper, name: CounterName): SQL<string | null> {
  return sql<
    string | null
  >`(select ${accountCounters.n} from ${accountCounters} where ${accountCounters.accountId} = ${accountId} and ${accountCounters.name} = ${name})`;
}

/** A counter's value (unfiltered totals of large tables), by a prepared statement. */
export async function counterValue(ctx: { db: Db; accountId: number }, name: CounterName): Promise<number> {
  const [row] = await counterRow(ctx, { name });
  return Number(row?.n ?? 0);
}

export async function bumpCounter(db: Db | Tx, accountId: number, name: CounterName, delta: number): Promise<void> {
  if (delta === 0) return;
  await db
    .insert(accountCounters)
    .values({ accountId, name, n: delta })
    .onConflictDoUpdate({ target: [accountCounters.accountId, accountCounters.name], set: { n: sql`${accountCounters.n} + ${delta}` } });
}

/** Exact count of the rows a query matches, up to COUNT_CAP. */
export async function cappedCount(db: Db, from: { table: PgTable; where: SQL | undefined }): Promise<number> {
  const sub = db
    .select({ one: sql`1`.as('one') })
    .from(from.table)
    .where(from.where)
    .limit(COUNT_CAP)
    .as('matches');
  const [row] = await db.select({ n: count() }).from(sub);
  return row?.n ?? 0;
}

/** A list's total by the policy above. `where` includes the account; `filtered` says whether the client narrowed it. */
export function totalOf(
  ctx: { db: Db; accountId: number },
  source: { table: PgTable; where: SQL | undefined; filtered: boolean; counter?: CounterName | undefined },
): Promise<number> {
  if (!source.filtered && source.counter) return counterValue(ctx, source.counter);
  return cappedCount(ctx.db, source);
}
