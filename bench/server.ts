/**
 * A benchmark server, run as a child process so the load generator does not share its event loop. It seeds an
 * account (1000 items, a user with a personal token and an API key), then serves three apps on the same database:
 * one as usual, one built with `benchmarkAsUser` (authentication switched off), and the bare baseline route
 * (bench/bare.ts). It prints one JSON line with the ports and the credentials, and runs until killed. Over IPC it
 * answers 'stats' with its CPU time and request counts.
 *
 * With QM_BENCH_WORKERS=N (PostgreSQL only) this process seeds and then forks N workers (node:cluster, as
 * `QM_WORKERS` does for `serve`), each serving the three apps on the same three ports; 'stats' sums over them.
 *
 * Env: DATABASE_URL (PostgreSQL) or QM_DATA_DIR (embedded database folder); QM_BENCH_ITEMS (default 1000).
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { eq } from 'drizzle-orm';
import { accounts, items, userGroups, users } from '../src/db/schema/index.js';
import { hashPassword } from '../src/auth/passwords.js';
import { createAccount } from '../src/modules/account/service.js';
import { generateApiKey, issuePersonalToken } from '../src/modules/credential/service.js';
import { createServices } from '../src/services.js';
import { bumpCounter } from '../src/http/list/count.js';
import { buildBareApp } from './bare.js';

interface Ports {
  normal: number;
  noAuth: number;
  bare: number;
}
interface Stats {
  cpu: NodeJS.CpuUsage;
  served: { normal: number; noAuth: number; bare: number };
}
const workers = Number(process.env.QM_BENCH_WORKERS ?? 1);

if (cluster.isWorker) {
  await serveWorker();
} else {
  await seedAndServe();
}

/** A cluster worker: serves the three apps for the account the primary seeded (its id arrives in the env). */
async function serveWorker() {
  const config = { ...loadConfig(process.env), logLevel: 'warn' as const };
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const services = await createServices(config, database);
  const seeded = JSON.parse(process.env.QM_BENCH_SEEDED!) as { userId: number; accountId: number; token: string };
  const { ports, served, close } = await serveApps(services, seeded);
  process.on('message', (m) => {
    if (m === 'stats') process.send!({ cpu: process.cpuUsage(), served } satisfies Stats);
  });
  process.send!({ ports });
  process.on(
    'SIGTERM',
    () =>
      void close()
        .then(() => database.close())
        .then(() => process.exit(0)),
  );
}

async function serveApps(services: Awaited<ReturnType<typeof createServices>>, seeded: { userId: number; accountId: number; token: string }) {
  const logger = { level: 'warn' as const };
  const normal = await buildApp(services, { logger });
  const noAuth = await buildApp(services, { logger, benchmarkAsUser: seeded.userId });
  const bare = await buildBareApp(services.db, new Map([[seeded.token, { accountId: seeded.accountId }]]));
  await normal.listen({ host: '127.0.0.1', port: 0 });
  await noAuth.listen({ host: '127.0.0.1', port: 0 });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const portOf = (app: typeof normal) => (app.server.address() as { port: number }).port;
  // Requests served and CPU time used, asked for over IPC: the CPU cost per request holds steady on a busy machine
  // where throughput does not.
  const served = { normal: 0, noAuth: 0, bare: 0 };
  normal.server.on('request', () => served.normal++);
  noAuth.server.on('request', () => served.noAuth++);
  bare.server.on('request', () => served.bare++);
  const ports: Ports = { normal: portOf(normal), noAuth: portOf(noAuth), bare: portOf(bare) };
  return {
    app: normal,
    ports,
    served,
    close: async () => {
      await Promise.all([normal.close(), noAuth.close(), bare.close()]);
      await services.close();
    },
  };
}

async function seedAndServe() {
  const config = { ...loadConfig(process.env), logLevel: 'warn' as const };
  if (workers > 1 && !config.databaseUrl) throw new Error('QM_BENCH_WORKERS > 1 needs DATABASE_URL (the embedded database is single-process)');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateDatabase(database, config.databaseUrl);
  const { db } = database;

  const suffix = randomBytes(4).toString('hex');
  const { account, groups } = await createAccount(db, `Bench ${suffix}`);
  const username = `bench_${suffix}`;
  const password = 'bench password 123';
  const [user] = await db
    .insert(users)
    .values({ accountId: account.id, username, email: `${username}@bench.invalid`, passwordHash: await hashPassword(password) })
    .returning();
  await db.insert(userGroups).values({ accountId: account.id, userId: user!.id, groupId: groups.owner.id });
  const count = Number(process.env.QM_BENCH_ITEMS ?? 1000);
  for (let i = 0; i < count; i += 500) {
    const batch = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
      accountId: account.id,
      shortId: `SKU-${String(i + j).padStart(6, '0')}`,
      description: `Bench item ${i + j}`,
      price: String(((i + j) % 97) + 0.99),
    }));
    await db.insert(items).values(batch);
  }
  await bumpCounter(db, account.id, 'items', count);

  const services = await createServices(config, database);
  const owner = { id: user!.id, accountId: account.id };
  const ctx = await services.contexts.asUser(owner.id);
  const { token } = await issuePersonalToken(ctx, { name: 'bench' });
  const key = await generateApiKey(ctx);
  const seeded = { userId: user!.id, accountId: account.id, token };
  const local = await serveApps(services, seeded);

  // An ERP-style client_credentials app (seed 001) acting as an integration user in the owner group.
  const basicOf = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const created = await local.app.inject({
    method: 'POST',
    url: '/api/v1/App',
    headers: { authorization: basicOf(username, password) },
    payload: { name: 'bench ERP', grant_types: ['client_credentials'] },
  });
  const oauthApp = created.json<{ client_id: string; client_secret: string; integration_user_id: number }>();
  await db.insert(userGroups).values({ accountId: account.id, userId: oauthApp.integration_user_id, groupId: groups.owner.id });
  await services.bus.publish({ t: 'user', id: oauthApp.integration_user_id });
  const issued = await local.app.inject({
    method: 'POST',
    url: '/api/v1/Token',
    headers: { authorization: basicOf(oauthApp.client_id, oauthApp.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
  });
  const accessToken = issued.json<{ access_token: string }>().access_token;

  let ports = local.ports;
  let stats: () => Promise<Stats> = async () => ({ cpu: process.cpuUsage(), served: local.served });
  let stopWorkers = async () => {};
  if (workers > 1) {
    // Seeding done here; the workers serve. This process keeps no port of its own.
    await local.close();
    const forked = await forkWorkers(workers, seeded);
    ports = forked.ports;
    stats = forked.stats;
    stopWorkers = forked.stop;
  }

  process.on('message', (m) => {
    if (m === 'stats') void stats().then((s) => process.send!(s));
  });
  process.stdout.write(
    `${JSON.stringify({ ...ports, workers, username, password, token, apiKey: key.apiKey, apiSecret: key.apiSecret, clientId: oauthApp.client_id, clientSecret: oauthApp.client_secret, accessToken, items: count })}\n`,
  );

  const stop = async () => {
    await stopWorkers();
    if (workers <= 1) await local.close();
    else await services.close();
    // On a PostgreSQL server, leave it as found: the bench account goes, and every row of it by cascade.
    if (config.databaseUrl) await db.delete(accounts).where(eq(accounts.id, account.id));
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

/** Forks the workers, waits until each serves, and sums their stats on request. */
async function forkWorkers(n: number, seeded: { userId: number; accountId: number; token: string }) {
  const forked = Array.from({ length: n }, () => cluster.fork({ ...process.env, QM_BENCH_SEEDED: JSON.stringify(seeded) }));
  const ports = await Promise.all(
    forked.map(
      (w) =>
        new Promise<Ports>((resolve, reject) => {
          w.on('message', (m: { ports?: Ports }) => m.ports && resolve(m.ports));
          w.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
        }),
    ),
  );
  const ask = (w: (typeof forked)[number]) =>
    new Promise<Stats>((resolve) => {
      const on = (m: Partial<Stats>) => {
        if (!m.cpu) return;
        w.off('message', on);
        resolve(m as Stats);
      };
      w.on('message', on);
      w.send('stats');
    });
  return {
    ports: ports[0]!,
    stats: async (): Promise<Stats> => {
      const all = await Promise.all(forked.map(ask));
      const sum: Stats = { cpu: { user: 0, system: 0 }, served: { normal: 0, noAuth: 0, bare: 0 } };
      for (const s of all) {
        sum.cpu.user += s.cpu.user;
        sum.cpu.system += s.cpu.system;
        for (const k of ['normal', 'noAuth', 'bare'] as const) sum.served[k] += s.served[k];
      }
      return sum;
    },
    stop: async () => {
      await Promise.all(forked.map((w) => new Promise<void>((done) => (w.isDead() ? done() : (w.once('exit', () => done()), w.process.kill('SIGTERM'))))));
    },
  };
}
