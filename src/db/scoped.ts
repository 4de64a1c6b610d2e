import { and, eq, isNull, or, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * The account scope every query carries. Use these rather than writing the condition by hand: a query that does
 * not go through them is a review finding.
 */
/** The caller's account: a request context, or a prepared statement's scope (src/db/prepared.ts). */
type Scope = { accountId: number | Placeholder };

interface AccountRow {
  accountId: PgColumn;
}
interface IdRow extends AccountRow {
  id: PgColumn;
}

export function inAccount(ctx: Scope, table: AccountRow, ...more: (SQL | undefined)[]): SQL {
  return and(eq(table.accountId, ctx.accountId), ...more)!;
}

export function byId(ctx: Scope, table: IdRow, id: number, ...more: (SQL | undefined)[]): SQL {
  return and(eq(table.accountId, ctx.accountId), eq(table.id, id), ...more)!;
}

/** The caller's account or none: rows shared by the whole instance (the default OAuth client) beside the account's own. */
export function inAccountOrShared(ctx: Scope, table: AccountRow, ...more: (SQL | undefined)[]): SQL {
  return and(or(eq(table.accountId, ctx.accountId), isNull(table.accountId)), ...more)!;
}
