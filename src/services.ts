import { eq, sql } from 'drizzle-orm';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import { serverKeys } from './db/schema/index.js';
import { Authenticator } from './auth/authenticate.js';
import { Contexts, type Machinery } from './auth/context.js';
import { InvalidationBus } from './auth/invalidation.js';
import { DEFAULT_LOCKOUT, Lockout, type LockoutPolicy } from './auth/lockout.js';
import { UserDirectory } from './auth/principal.js';
import { randomKey } from './auth/secrets.js';
import { UsageRecorder } from './auth/usage.js';
import { ServerKey } from './auth/server-key.js';
import { startAuthSweeper } from './auth/sweeper.js';
import { HttpsPolicy } from './http/https.js';
import { AuditWriter } from './audit/writer.js';
import { BACKGROUND } from './defaults.js';
import { startAuditRetention } from './modules/audit/retention.js';

/** The long-lived parts of one server instance, built once and shared by every request. */
export interface Services {
  config: Config;
  database: Database;
  db: Db;
  users: UserDirectory;
  bus: InvalidationBus;
  lockout: Lockout;
  usage: UsageRecorder;
  audit: AuditWriter;
  https: HttpsPolicy;
  authenticator: Authenticator;
  /** The long-lived machinery the authentication schemes and every request context share. */
  machinery: Machinery;
  /** Builds every request's context over this machinery (src/auth/context.ts). */
  contexts: Contexts;
  serverKey: Buffer;
  /** The key personal tokens are derived from: outside the database (QM_SECRET_KEY or the data folder's key file). */
  tokenKey: ServerKey;
  close(): Promise<void>;
}

/** An instance-wide secret, created by whichever instance gets there first. */
export async function serverKey(db: Db, name: string): Promise<Buffer> {
  await db
    .insert(serverKeys)
    .values({ name, value: randomKey().toString('base64') })
    .onConflictDoNothing();
  const [row] = await db.select().from(serverKeys).where(eq(serverKeys.name, name));
  return Buffer.from(row!.value, 'base64');
}

export interface ServiceOptions {
  lockout?: LockoutPolicy;
  /** How long a heartbeat of the listening connection vouches for the caches (default INVALIDATION.leaseMs). */
  cacheLeaseMs?: number;
  onBackgroundError?: (err: unknown) => void;
}

export async function createServices(config: Config, database: Database, opts: ServiceOptions = {}): Promise<Services> {
  const db = database.db;
  await db.execute(sql`select 1`);
  const onError = opts.onBackgroundError ?? ((err) => console.error('background write failed:', err));
  const bus = new InvalidationBus(database, opts.cacheLeaseMs);
  await bus.start();
  const users = new UserDirectory(db, bus);
  bus.on((e) => {
    if (e.t === 'user') users.invalidate(e.id);
    if (e.t === 'account') users.invalidateAccount(e.id);
  });
  const lockout = new Lockout(db, opts.lockout ?? DEFAULT_LOCKOUT);
  const usage = new UsageRecorder(db, BACKGROUND.usageFlushMs, onError);
  const audit = new AuditWriter(db, BACKGROUND.auditFlushMs, BACKGROUND.auditBatch, onError);
  const key = await serverKey(db, 'hmac');
  const tokenKey = new ServerKey(config.secretKey, config.dataDir);
  const machinery: Machinery = { db, users, bus, lockout, usage, audit, serverKey: key, tokenKey, oauth: null };
  const authenticator = new Authenticator(machinery);
  const contexts = new Contexts(machinery);
  const stopSweeper = startAuthSweeper(db, onError);
  const stopAuditRetention = startAuditRetention(db, config.auditRetentionDays, onError);
  return {
    config,
    database,
    db,
    users,
    bus,
    lockout,
    usage,
    audit,
    https: new HttpsPolicy(config.trustProxy),
    authenticator,
    machinery,
    contexts,
    serverKey: key,
    tokenKey,
    async close() {
      stopSweeper();
      await stopAuditRetention();
      await usage.close();
      await audit.close();
      await bus.close();
    },
  };
}
