/**
 * `npx tsx bench/micro-auth.ts`: the in-process CPU cost of each scheme's warm path (authenticate + context), free of
 * network and database noise. Not a scenario: it complements the auth scenario's end-to-end ratios.
 */
import { loadConfig } from '../src/config.js';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { createServices } from '../src/services.js';
import { createAccount } from '../src/modules/account/service.js';
import { userGroups, users } from '../src/db/schema/index.js';
import { hashPassword } from '../src/auth/passwords.js';
import { generateApiKey, issuePersonalToken } from '../src/modules/credential/service.js';

const database = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
await migrateDatabase(database, null);
const services = await createServices({ ...loadConfig({}), logLevel: 'silent' }, database);
const { account, groups } = await createAccount(database.db, 'x');
const [u] = await database.db
  .insert(users)
  .values({ accountId: account.id, username: 'bench', email: 'b@x', passwordHash: await hashPassword('bench password') })
  .returning();
await database.db.insert(userGroups).values({ accountId: account.id, userId: u!.id, groupId: groups.owner.id });
const owner = { id: u!.id, accountId: account.id };
const ctx = await services.contexts.asUser(owner.id);
const { token } = await issuePersonalToken(ctx, { name: 't' });
const key = await generateApiKey(ctx);
const headers: Record<string, string> = {
  token: `Token ${token}`,
  basic: `Basic ${Buffer.from('bench:bench password').toString('base64')}`,
  apikey: `token ${key.apiKey}:${key.apiSecret}`,
};
for (const [name, h] of Object.entries(headers)) {
  const req = { headers: { authorization: h }, ip: '127.0.0.1', method: 'GET', cookies: {} } as never;
  for (let i = 0; i < 2000; i++) await services.authenticator.authenticate(req);
  const n = 50_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const p = await services.authenticator.authenticate(req);
    services.contexts.for(p!, '127.0.0.1');
  }
  const t1 = process.hrtime.bigint();
  console.log(`${name}: ${(Number(t1 - t0) / n / 1000).toFixed(2)} µs per warm authentication`);
}
await services.close();
await database.close();
