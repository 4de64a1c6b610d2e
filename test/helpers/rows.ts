import type { SQL } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';

/** The rows of a raw SQL query, typed by the test that wrote the query (the driver's result knows no row type). */
export async function rowsOf<Row>(db: Db, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: Row[] }).rows;
}
