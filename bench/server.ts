/**
 * A benchmark server, run as a child process so the load generator does not share its event loop. It seeds an
 * account (1000 items, a user with a personal token and an API key), then serves the same services twice: one
 * app as usual, one built with `benchmarkAsUser` (authentication switched off). It prints one JSON line with both
 * ports and the credentials, and runs until killed. Over IPC it answers 'stats' with its CPU time and request counts.
 *
 * Env: DATABASE_URL (PostgreSQL) or QM_DATA_DIR (embedded database folder); QM_BENCH_ITEMS (default 1000).
 */
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

const config = { ...loadConfig(process.env), logLevel: 'warn' as const };
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

const services = await createServices(config, database);
const owner = { id: user!.id, accountId: account.id };
const { token } = await issuePersonalToken(db, services.bus, owner, 'bench');
const key = await generateApiKey(db, services.bus, owner);

const logger = { level: 'warn' as const };
const normal = await buildApp(services, { logger });
const noAuth = await buildApp(services, { logger, benchmarkAsUser: user!.id });
await normal.listen({ host: '127.0.0.1', port: 0 });
await noAuth.listen({ host: '127.0.0.1', port: 0 });
const portOf = (app: typeof normal) => (app.server.address() as { port: number }).port;

// An ERP-style client_credentials app (seed 001) acting as an integration user in the owner group.
const basicOf = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const created = await normal.inject({ method: 'POST', url: '/api/v1/App', headers: { authorization: basicOf(username, password) }, payload: { name: 'bench ERP', grant_types: ['client_credentials'] } });
const oauthApp = created.json() as { client_id: string; client_secret: string; integration_user_id: number };
await db.insert(userGroups).values({ accountId: account.id, userId: oauthApp.integration_user_id, groupId: groups.owner.id });
await services.bus.publish({ t: 'user', id: oauthApp.integration_user_id });
const issued = await normal.inject({
  method: 'POST',
  url: '/api/v1/Token',
  headers: { authorization: basicOf(oauthApp.client_id, oauthApp.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
  payload: 'grant_type=client_credentials',
});
const accessToken = (issued.json() as { access_token: string }).access_token;

// Requests served and CPU time used, asked for over IPC: the CPU cost per request holds steady on a busy machine
// where throughput does not.
const served = { normal: 0, noAuth: 0 };
normal.server.on('request', () => served.normal++);
noAuth.server.on('request', () => served.noAuth++);
process.on('message', (m) => {
  if (m === 'stats') process.send!({ cpu: process.cpuUsage(), served });
});

process.stdout.write(
  `${JSON.stringify({ normal: portOf(normal), noAuth: portOf(noAuth), username, password, token, apiKey: key.apiKey, apiSecret: key.apiSecret, clientId: oauthApp.client_id, clientSecret: oauthApp.client_secret, accessToken, items: count })}\n`,
);

const stop = async () => {
  await normal.close();
  await noAuth.close();
  await services.close();
  // On a PostgreSQL server, leave it as found: the bench account goes, and every row of it by cascade.
  if (config.databaseUrl) await db.delete(accounts).where(eq(accounts.id, account.id));
  await database.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
