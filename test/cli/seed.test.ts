import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { caller } from '../helpers/request.js';
import { rowsOf } from '../helpers/rows.js';
import { seedAccount } from '../../src/cli/seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

test('seed fills an account in bulk: counts, counters, ledger = levels, and the API lists it', async () => {
  const acc = await makeAccount(t);
  const progress: number[] = [];
  const r = await seedAccount(t.db, {
    accountId: acc.account.id,
    items: 2000,
    warehouses: 3,
    lotsPerItem: 2,
    batchSize: 700,
    onProgress: (n) => progress.push(n),
  });
  expect(r).toMatchObject({ items: 2000, lots: 4000 });
  expect(progress).toEqual([700, 1400, 2000]);
  const one = async (q: ReturnType<typeof sql>) => Number((await rowsOf<{ n: string }>(t.db, q))[0]!.n);
  const id = acc.account.id;
  expect(await one(sql`select count(*) as n from items where account_id = ${id}`)).toBe(2000);
  expect(await one(sql`select count(*) as n from lots where account_id = ${id}`)).toBe(4000);
  expect(await one(sql`select count(*) as n from stock_transactions where account_id = ${id}`)).toBe(4000);
  expect(await one(sql`select count(distinct short_id) as n from items where account_id = ${id}`)).toBe(2000);
  expect(
    await one(sql`select count(*) as n from stock_levels s where account_id = ${id}
      and on_hand <> (select sum(units) from stock_transactions x where x.account_id = s.account_id and x.item_id = s.item_id and x.warehouse_id = s.warehouse_id)`),
  ).toBe(0);

  const api = caller(t, await acc.user({ group: 'owner' }));
  const items = (await api.get('/api/v1/Item?page=1&pageSize=10')).json();
  expect(items).toMatchObject({ totalCount: 2000, pageCount: 200, hasMore: true });
  expect(items.value).toHaveLength(10);
  const levels = (await api.get('/api/v1/Inventory/StockLevels?pageSize=5')).json();
  expect(levels.totalCount).toBe(await one(sql`select count(*) as n from stock_levels where account_id = ${id}`));
  expect((await api.get('/api/v1/Inventory?pageSize=1')).json().totalCount).toBe(4000);
  expect((await api.get('/api/v1/Warehouse')).json().totalCount).toBe(3);
  // Receiving on top of seeded stock keeps the counters and levels right.
  const lvl = levels.value[0];
  await api.send('POST', '/api/v1/Inventory/Receive', { partNo: lvl.partNo, wID: lvl.wID, units: 1 });
  expect((await api.get('/api/v1/Inventory?pageSize=1')).json().totalCount).toBe(4001);
  const after = (await api.get(`/api/v1/Inventory/StockLevels/${lvl.wID}?partNo=${lvl.partNo}`)).json().value[0];
  expect(BigInt(after.onHand.replace('.', '')) - BigInt(lvl.onHand.replace('.', ''))).toBe(10000n);
}, 120_000);

test('the `quartermaster seed` command fills the database it is pointed at, with its summary line', async () => {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { freshDatabase } = await import('../helpers/app.js');
  const { openDatabase } = await import('../../src/db/client.js');
  const target = await freshDatabase();
  await target.database.close();
  const dir = mkdtempSync(path.join(tmpdir(), 'qm-seed-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, QM_LOG_LEVEL: 'silent', ...(target.url ? { DATABASE_URL: target.url } : { QM_DATA_DIR: dir }) };
  if (!target.url) delete env.DATABASE_URL;
  try {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/main.ts', 'seed', '--items', '2000', '--warehouses', '2', '--lots-per-item', '3'],
        { env },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(out).toMatch(/Seeded account \d+: 2000 items, 6000 lots in 2 warehouses/);
    const db = await openDatabase({ databaseUrl: target.url, dataDir: dir });
    try {
      const n = async (q: ReturnType<typeof sql>) => Number((await rowsOf<{ n: string }>(db.db, q))[0]!.n);
      expect(await n(sql`select count(*) as n from items`)).toBe(2000);
      expect(await n(sql`select count(*) as n from lots`)).toBe(6000);
      expect(await n(sql`select n from account_counters where name = 'items'`)).toBe(2000);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await target.drop();
  }
}, 180_000);
