/**
 * `tsx bench/inject.ts`: the token list and the bare route (bench/bare.ts) side by side in this one process, driven by
 * `inject` (no sockets), in many short batches: each figure is the least CPU time per request over the batches, which
 * a loaded machine can only raise. For steering the hot path (what one change saves, in µs); `npm run bench` remains the
 * measurement of record, over real sockets.
 *
 * Env: DATABASE_URL (PostgreSQL; unset: the embedded database), QM_BENCH_BATCHES (default 15), QM_BENCH_BATCH (requests
 * per batch, default 2000), QM_BENCH_CONNECTIONS (requests in flight, default 10).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { accounts, items, userGroups, users } from '../src/db/schema/index.js';
import { createAccount } from '../src/modules/account/service.js';
import { issuePersonalToken } from '../src/modules/credential/service.js';
import { bumpCounter } from '../src/http/list/count.js';
import { createServices } from '../src/services.js';
import { buildBareApp } from './bare.js';

const URL_PATH = '/api/v1/Item?page=1&pageSize=10';
const batches = Number(process.env.QM_BENCH_BATCHES ?? 15);
const perBatch = Number(process.env.QM_BENCH_BATCH ?? 2000);
const inFlight = Number(process.env.QM_BENCH_CONNECTIONS ?? 10);

/** Seeds an account (1000 items, a user with a personal token) and builds the app and the bare route on it. */
export async function setupApps() {
  // A throw-away folder for the embedded database and the key file (used when DATABASE_URL is unset).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qm-bench-inject-'));
  const config = { ...loadConfig({ ...process.env, QM_DATA_DIR: dataDir }), logLevel: 'warn' as const };
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateDatabase(database, config.databaseUrl);
  const { db } = database;
  const suffix = randomBytes(4).toString('hex');
  const { account, groups } = await createAccount(db, `Bench ${suffix}`);
  const [user] = await db
    .insert(users)
    .values({ accountId: account.id, username: `bench_${suffix}`, email: `bench_${suffix}@bench.invalid`, passwordHash: 'x' })
    .returning();
  await db.insert(userGroups).values({ accountId: account.id, userId: user!.id, groupId: groups.owner.id });
  await db
    .insert(items)
    .values(
      Array.from({ length: 1000 }, (_, i) => ({ accountId: account.id, shortId: `SKU-${i}`, description: `Bench item ${i}`, price: String((i % 97) + 0.99) })),
    );
  await bumpCounter(db, account.id, 'items', 1000);
  const services = await createServices(config, database);
  const { token } = await issuePersonalToken(await services.contexts.asUser(user!.id), { name: 'bench' });
  const normal = await buildApp(services, { logger: { level: 'warn' } });
  const bare = await buildBareApp(db, new Map([[token, { accountId: account.id }]]));
  await normal.ready();
  await bare.ready();
  const headers = { authorization: `Token ${token}` };
  const close = async () => {
    await normal.close();
    await bare.close();
    await services.close();
    if (config.databaseUrl) await db.delete(accounts).where(eq(accounts.id, account.id));
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { normal, bare, headers, close };
}

async function batch(app: FastifyInstance, headers: Record<string, string>, n: number): Promise<number> {
  let left = n;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) {
        const res = await app.inject({ method: 'GET', url: URL_PATH, headers });
        if (res.statusCode !== 200) throw new Error(`${res.statusCode}: ${res.body.slice(0, 200)}`);
      }
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const { normal, bare, headers, close } = await setupApps();
  try {
    const targets = [
      { label: 'bare route', app: bare },
      { label: 'Token list', app: normal },
    ];
    for (const t of targets) await batch(t.app, headers, perBatch);
    const cpu: number[][] = targets.map(() => []);
    for (let b = 0; b < batches; b++) for (const [i, t] of targets.entries()) cpu[i]!.push(await batch(t.app, headers, perBatch));
    const least = cpu.map((xs) => Math.min(...xs));
    for (const [i, t] of targets.entries()) console.log(`${t.label.padEnd(12)} least CPU ${least[i]!.toFixed(1).padStart(6)} µs/request (inject)`);
    console.log(`Token list − bare route: ${(least[1]! - least[0]!).toFixed(1)} µs/request; ratio ${(least[1]! / least[0]!).toFixed(3)}`);
  } finally {
    await close();
  }
}
