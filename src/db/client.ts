import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.js';
import { ResilientListener, type ListenHandlers } from './listener.js';
import { lockDataDir } from './lock.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle: the same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Subscribe to a NOTIFY channel; resolves to an unsubscribe function. On PostgreSQL the listening connection is
   * made again when it drops, and `handlers` hear when it is live and when it is lost (see ResilientListener).
   */
  listen(channel: string, handlers: ListenHandlers | ListenHandlers['onPayload']): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export { DataDirInUseError } from './lock.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Generated SQL migrations live beside the schema in src/; the compiled client in dist/ finds them there. */
export const migrationsFolder = [path.join(here, 'migrations'), path.resolve(here, '../../src/db/migrations')].find((p) =>
  existsSync(path.join(p, 'meta', '_journal.json')),
)!;

export interface OpenOptions {
  databaseUrl: string | null;
  /** A folder, or 'memory://' for a throw-away embedded database. */
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : path.join(dataDir, 'pgdata'));
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async listen(channel, handlers) {
      const onPayload = typeof handlers === 'function' ? handlers : (payload: string) => handlers.onPayload(payload);
      const off = await client.listen(channel, (payload) => onPayload(payload));
      return async () => off();
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await client.close();
      unlock();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A pool error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners: ResilientListener[] = [];
  return {
    db,
    kind: 'postgres',
    async listen(channel, handlers) {
      const listener = new ResilientListener(url, channel, typeof handlers === 'function' ? { onPayload: handlers } : handlers);
      await listener.start();
      listeners.push(listener);
      return async () => {
        listeners.splice(listeners.indexOf(listener), 1);
        await listener.close();
      };
    },
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await Promise.all(listeners.map((l) => l.close()));
      await pool.end();
    },
  };
}

/** Applies pending migrations. On PostgreSQL an advisory lock keeps concurrent instances from racing. */
export async function migrateDatabase(database: Database, databaseUrl: string | null): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl! });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(727274)');
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock(727274)').catch(() => {});
    await client.end();
  }
}
