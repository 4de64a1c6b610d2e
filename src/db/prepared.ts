import { sql } from 'drizzle-orm';
import type { Db } from './client.js';

/**
 * Prepared statements for the per-request queries of the hot path: the query is built once per database handle
 * (not on every request) and, on PostgreSQL, parsed and planned once per connection (a named statement).
 *
 * Account scope: a statement is built with `scope` (whose `accountId` is a placeholder, so it goes through the
 * same `inAccount`/`byId` helpers as any other query) and the account is always bound from the caller's context
 * at execution; a caller cannot pass another account.
 */
export interface StatementScope {
  accountId: ReturnType<typeof sql.placeholder<'accountId'>>;
}

interface Executable<Result> {
  execute(values: Record<string, unknown>): Promise<Result>;
}

const scope: StatementScope = { accountId: sql.placeholder('accountId') };
const names = new Set<string>();

/**
 * Declares a prepared statement scoped to the caller's account. `name` is the statement's name on PostgreSQL: one
 * text per name, so each declaration needs its own. Returns the function that runs it: `(ctx, params) => rows`.
 */
export function accountStatement<Params extends Record<string, unknown>, Result>(
  name: string,
  build: (db: Db, scope: StatementScope) => { prepare(name: string): Executable<Result> },
) {
  if (names.has(name)) throw new Error(`prepared statement "${name}" is declared twice`);
  names.add(name);
  // One per database handle: a transaction handle gets its own, so the statement runs inside the transaction.
  const perDb = new WeakMap<Db, Executable<Result>>();
  return (ctx: { db: Db; accountId: number }, params: Params): Promise<Result> => {
    let statement = perDb.get(ctx.db);
    if (!statement) {
      statement = build(ctx.db, scope).prepare(name);
      perDb.set(ctx.db, statement);
    }
    return statement.execute({ ...params, accountId: ctx.accountId });
  };
}
