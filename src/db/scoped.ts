import { and, eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * The account scope every query carries. Use these rather than writing the condition by hand: a query that does
 * not go through them is a review finding.
 */
interface AccountRow {
  accountId: PgColumn;
}
interface IdRow extends AccountRow {
  id: PgColumn;
}

export function inAccount(ctx: { accountId: number }, table: AccountRow, ...more: (SQL | undefined)[]): SQL {
  return and(eq(table.accountId, ctx.accountId), ...more)!;
}

export function byId(ctx: { accountId: number }, table: IdRow, id: number, ...more: (SQL | undefined)[]): SQL {
  return and(eq(table.accountId, ctx.accountId), eq(table.id, id), ...more)!;
}
