import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrateDatabase, openDatabase, type Database, type Db } from '../../src/db/client.js';
import { groups, userGroups, users, userWarehouses, warehouses } from '../../src/db/schema/index.js';
import { createAccount } from '../../src/modules/account/service.js';
import { generateApiKey, issuePersonalToken } from '../../src/modules/credential/service.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { createServices, type Services, type ServiceOptions } from '../../src/services.js';
import type { LockoutPolicy } from '../../src/auth/lockout.js';
import type { Contexts, RequestContext } from '../../src/auth/context.js';
import { caller } from './request.js';

/**
 * Fixtures: a fresh database, the app on it, accounts with users, groups and warehouses. Requests to the app go
 * through ./request.ts; OAuth apps and tokens made through the API are in ./oauth.ts.
 */

/**
 * A fresh database for one test file (or benchmark): PGlite in memory (or in `dataDir`), or a new database on the
 * PostgreSQL server named by DATABASE_URL (dropped by `drop`).
 */
export async function freshDatabase(opts: { dataDir?: string } = {}): Promise<{ database: Database; url: string | null; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const database = await openDatabase({ databaseUrl: null, dataDir: opts.dataDir ?? 'memory://' });
    await migrateDatabase(database, null);
    return { database, url: null, drop: async () => {} };
  }
  const name = `qm_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 5 });
  await migrateDatabase(database, url.toString());
  return {
    database,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestAppOptions {
  env?: Record<string, string>;
  logger?: FastifyServerOptions['logger'];
  lockout?: LockoutPolicy;
  /** See ServiceOptions.cacheLeaseMs: tests of the caches themselves pin trust so a loaded machine cannot lapse it. */
  cacheLeaseMs?: number;
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  db: Db;
  databaseUrl: string | null;
  close(): Promise<void>;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const { database, url, drop } = await freshDatabase();
  // A server key per test app, so tests never write a key file into the working folder.
  const config = loadConfig({ QM_LOG_LEVEL: 'silent', QM_SECRET_KEY: randomBytes(32).toString('base64'), ...opts.env, ...(url ? { DATABASE_URL: url } : {}) });
  const serviceOpts: ServiceOptions = {
    lockout: opts.lockout,
    cacheLeaseMs: opts.cacheLeaseMs,
    onBackgroundError: (err) => {
      throw err;
    },
  };
  const services = await createServices(config, database, serviceOpts);
  const app = await buildApp(services, { logger: opts.logger ?? false });
  await app.ready();
  return {
    app,
    services,
    db: database.db,
    databaseUrl: url,
    async close() {
      await app.close();
      await services.close();
      await database.close();
      await drop();
    },
  };
}

let seq = 0;
/** A name no other test in this run uses (usernames and emails are unique instance-wide). */
export function unique(prefix: string): string {
  return `${prefix}${process.pid}x${Date.now().toString(36)}x${++seq}`;
}

export const PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: number;
  accountId: number;
  username: string;
  email: string;
  password: string;
}

/** A test account and the means to populate it. */
export async function makeAccount(t: TestApp, name = 'Test store') {
  const { account, groups: builtin } = await createAccount(t.db, name);
  const passwordHash = await hashPassword(PASSWORD);

  async function user(
    o: { group?: keyof typeof builtin | number | null; readOnly?: boolean; superuser?: boolean; active?: boolean; warehouses?: number[]; pin?: string } = {},
  ): Promise<TestUser> {
    const username = unique('u');
    const [u] = await t.db
      .insert(users)
      .values({
        accountId: account.id,
        username,
        email: `${username}@example.test`,
        passwordHash,
        pinHash: o.pin ? await hashPassword(o.pin) : null,
        isReadOnly: o.readOnly ?? false,
        isSuperuser: o.superuser ?? false,
        isActive: o.active ?? true,
      })
      .returning();
    const groupId = o.group === null ? null : typeof o.group === 'number' ? o.group : builtin[o.group ?? 'owner'].id;
    if (groupId) await t.db.insert(userGroups).values({ accountId: account.id, userId: u!.id, groupId });
    for (const w of o.warehouses ?? []) await t.db.insert(userWarehouses).values({ accountId: account.id, userId: u!.id, warehouseId: w });
    return { id: u!.id, accountId: account.id, username, email: u!.email, password: PASSWORD };
  }

  async function warehouse(code = unique('W')) {
    const [w] = await t.db
      .insert(warehouses)
      .values({ accountId: account.id, code, name: `Warehouse ${code}` })
      .returning();
    return w!;
  }

  async function group(name: string, permissions: Record<string, string[]>, reports: string[] = []) {
    const [g] = await t.db.insert(groups).values({ accountId: account.id, name, permissions, reports }).returning();
    return g!;
  }

  return { account, groups: builtin, user, warehouse, group };
}

/** A new account with an owner, and the owner as a caller. */
export async function ownerOf(t: TestApp) {
  const acc = await makeAccount(t);
  const owner = await acc.user({ group: 'owner' });
  return { acc, owner, api: caller(t, owner) };
}

/** A request context acting as `u` with its whole rights (a password login), outside any request. */
export async function contextOf(t: TestApp, u: TestUser, contexts: Contexts = t.services.contexts): Promise<RequestContext> {
  return contexts.asUser(u.id);
}

export async function personalToken(t: TestApp, u: TestUser, name = unique('t'), expiresAt: Date | null = null) {
  const { token } = await issuePersonalToken(await contextOf(t, u), { name, expiresAt });
  return token;
}

export async function apiKey(t: TestApp, u: TestUser) {
  return generateApiKey(await contextOf(t, u));
}

export async function setUser(t: TestApp, userId: number, set: Partial<typeof users.$inferInsert>) {
  await t.db
    .update(users)
    .set({ ...set, securityStamp: sql`${users.securityStamp} + 1` })
    .where(eq(users.id, userId));
  await t.services.bus.publish({ t: 'user', id: userId });
}
