import { Type } from '@sinclair/typebox';
import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

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
