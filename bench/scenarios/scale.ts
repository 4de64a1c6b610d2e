import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { seedAccount } from '../../src/cli/seed.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { freshDatabase } from '../../test/helpers/app.js';
import { categories, items } from '../../src/db/schema/index.js';
import { createSuperuser } from '../../src/modules/account/service.js';
import { issuePersonalToken } from '../../src/modules/credential/service.js';
import { createServices } from '../../src/services.js';
import { costRatio, measure, type Measurement, type Ratio, type Scenario } from '../lib.js';

/**
 * List latency at 1k items vs at a large N (QM_BENCH_SCALE_ITEMS, default 1,000,000), same run, same server:
 * two accounts in one database, one seeded small and one large, and the four list calls the issue names:
 * the seeds' `GET /Item?page=1&pageSize=10`, a filtered list, a StockLevels page and a deep cursor page.
 *
 * Self-contained: it opens its own database (a fresh PostgreSQL database when DATABASE_URL is set, else PGlite in a
 * temporary folder), seeds it with `seedAccount` (what `quartermaster seed` runs), and serves buildApp in this
 * process on port 0. Autocannon runs in the same process, as in the other scenarios.
 */
async function openScratch(): Promise<{ database: Database; url: string | null; cleanup: () => Promise<void> }> {
  // A large embedded database lives in a temporary folder rather than in memory.
  const dir = mkdtempSync(path.join(tmpdir(), 'qm-bench-scale-'));
  const { database, url, drop } = await freshDatabase({ dataDir: dir });
  return {
    database,
    url,
    cleanup: async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const scenario: Scenario = {
  name: 'scale',
  async run({ seconds, connections }) {
    const large = Number(process.env.QM_BENCH_SCALE_ITEMS ?? 1_000_000);
    const small = 1_000;
    const { database, url, cleanup } = await openScratch();
    const config = loadConfig({ ...process.env, QM_LOG_LEVEL: 'silent', ...(url ? { DATABASE_URL: url } : {}) });
    const services = await createServices(config, database);
    const app = await buildApp(services, { logger: false });
    const notes: string[] = [];
    try {
      const sizes = [
        { label: '1k', items: small },
        { label: large >= 1_000_000 ? `${large / 1_000_000}M` : `${large / 1000}k`, items: large },
      ];
      const accounts: { label: string; items: number; token: string; categoryId: number; cursor: string }[] = [];
      for (const s of sizes) {
        const suffix = randomBytes(3).toString('hex');
        const { account, user } = await createSuperuser(database.db, {
          username: `bench${suffix}`,
          email: `bench${suffix}@example.test`,
          password: randomBytes(12).toString('hex'),
          accountName: `Scale ${s.label}`,
        });
        const { token } = await issuePersonalToken(await services.contexts.asUser(user.id), { name: 'bench' });
        const seeded = await seedAccount(database.db, { accountId: account.id, items: s.items, warehouses: 3, lotsPerItem: 1, batchSize: 10_000 });
        notes.push(
          `seeded ${s.label}: ${s.items} items, ${seeded.lots} lots in ${seeded.seconds.toFixed(1)} s (${Math.round(s.items / seeded.seconds)} items/s, ${database.kind})`,
        );
        const [cat] = await database.db.select({ id: categories.id }).from(categories).where(eq(categories.accountId, account.id)).limit(1);
        const [mid] = await database.db
          .select({ id: items.id })
          .from(items)
          .where(eq(items.accountId, account.id))
          .orderBy(asc(items.id))
          .offset(Math.floor(s.items / 2))
          .limit(1);
        const midId = mid!.id;
        accounts.push({ ...s, token, categoryId: cat!.id, cursor: Buffer.from(JSON.stringify([null, null, midId])).toString('base64url') });
      }
      await app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
      const calls = (a: (typeof accounts)[number]) => [
        ['Item page 1', `${base}/Item?page=1&pageSize=10`],
        ['Item filtered', `${base}/Item?categoryID=${a.categoryId}&active=true&page=1&pageSize=10`],
        ['StockLevels page', `${base}/Inventory/StockLevels?page=1&pageSize=10`],
        ['Item cursor (mid-table)', `${base}/Item?pageSize=10&after=${a.cursor}`],
      ];
      // Warm-up (JIT, caches, connection pool) for both sizes first, so neither size pays it in its figures.
      for (const a of accounts)
        for (const [label, u] of calls(a)) await measure(`warm-up ${label}`, u!, { seconds: 1, connections, headers: { authorization: `Token ${a.token}` } });
      const results: Measurement[][] = [];
      for (const a of accounts) {
        const row: Measurement[] = [];
        for (const [label, u] of calls(a)) {
          row.push(await measure(`${label} @ ${a.label}`, u!, { seconds, connections, headers: { authorization: `Token ${a.token}` } }));
        }
        results.push(row);
      }
      const ratios: Ratio[] = results[0]!.map((m, i) =>
        costRatio(`${calls(accounts[0]!)[i]![0]} ${accounts[1]!.label}/${accounts[0]!.label}`, m, results[1]![i]!, 1.5),
      );
      return { title: `List latency, 1k vs ${accounts[1]!.label} items (${database.kind})`, measurements: results.flat(), ratios, notes };
    } finally {
      await app.close();
      await services.close();
      await database.close();
      await cleanup();
    }
  },
};

export default scenario;

// `npx tsx bench/scenarios/scale.ts` runs this scenario alone and prints its figures.
if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.QM_BENCH_SECONDS ?? 5);
  const connections = Number(process.env.QM_BENCH_CONNECTIONS ?? 10);
  scenario
    .run({ seconds, connections })
    .then((r) => {
      console.log(`\n${r.title}`);
      for (const n of r.notes ?? []) console.log(`  note: ${n}`);
      for (const m of r.measurements)
        console.log(`  ${m.label.padEnd(34)} ${m.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${m.p50Ms} ms  p99 ${m.p99Ms} ms  errors ${m.errors}`);
      for (const x of r.ratios) console.log(`  ratio ${x.name.padEnd(38)} ${x.value.toFixed(2)} (goal ${x.goal}) ${x.ok ? 'ok' : 'MISSED'}`);
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
