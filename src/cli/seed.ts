import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accounts, categories, customers, warehouses } from '../db/schema/index.js';
import { createAccount } from '../modules/account/service.js';
import { bumpCounter } from '../http/list/count.js';
import { openMigrated } from './runtime.js';
import { BACKGROUND } from '../defaults.js';

export interface SeedOptions {
  accountId: number;
  items: number;
  warehouses: number;
  lotsPerItem: number;
  categories?: number;
  customers?: number;
  batchSize?: number;
  onProgress?: (done: number) => void;
}

export interface SeedResult {
  items: number;
  lots: number;
  warehouses: number[];
  seconds: number;
}

const ADJECTIVES = ['Steel', 'Brass', 'Copper', 'Nylon', 'Rubber', 'Oak', 'Aluminium', 'Ceramic', 'Glass', 'Carbon', 'Zinc', 'Vinyl'];
const NOUNS = ['bolt', 'washer', 'hinge', 'bracket', 'valve', 'gasket', 'pipe', 'fitting', 'spring', 'clamp', 'bearing', 'panel', 'cable', 'switch', 'filter'];
const UNITS = ['each', 'box', 'kg', 'm', 'pack'];
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`);

/**
 * Fills an account with demo data in batches, each batch ONE statement: generate_series makes the items, and
 * data-modifying CTEs chain their lots, the receive ledger entries and the stock levels from what was just
 * inserted. Nothing crosses the wire row by row, so it runs at the database's own insert speed on PGlite and
 * PostgreSQL alike. Counters are bumped in the same transaction as each batch.
 */
export async function seedAccount(db: Db, o: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const run = Date.now().toString(36).toUpperCase();
  const batch = o.batchSize ?? BACKGROUND.seedBatch;
  const whRows = await db
    .insert(warehouses)
    .values(
      Array.from({ length: o.warehouses }, (_, i) => ({
        accountId: o.accountId,
        code: `WH${run}-${i + 1}`,
        name: `Demo warehouse ${i + 1}`,
        address: `${i + 1} Depot Road`,
      })),
    )
    .returning({ id: warehouses.id });
  const whIds = whRows.map((w) => w.id);
  const catRows = await db
    .insert(categories)
    .values(
      Array.from({ length: o.categories ?? 20 }, (_, i) => ({
        accountId: o.accountId,
        name: `${NOUNS[i % NOUNS.length]} ${Math.floor(i / NOUNS.length) + 1}`,
      })),
    )
    .returning({ id: categories.id });
  const catIds = catRows.map((c) => c.id);
  const nCustomers = o.customers ?? Math.min(1000, Math.ceil(o.items / 100));
  if (nCustomers > 0) {
    await db.execute(sql`insert into ${customers} (account_id, name, email)
      select ${o.accountId}, 'Customer ' || g, 'customer' || g || '-' || ${run.toLowerCase()} || '@example.test' from generate_series(1, ${nCustomers}) g`);
  }
  const whArray = sql.raw(`array[${whIds.join(',')}]::bigint[]`);
  const catArray = sql.raw(`array[${catIds.join(',')}]::bigint[]`);
  let lotsTotal = 0;
  for (let from = 1; from <= o.items; from += batch) {
    const to = Math.min(o.items, from + batch - 1);
    const [row] = (await db.transaction(async (tx) => {
      const res = await tx.execute(sql`
          with new_items as (
            insert into items (account_id, short_id, description, unit, category_id, active, cost, price, reorder_point)
            select ${o.accountId},
                   ${`S${run}-`} || lpad(g::text, 8, '0'),
                   (${arr(ADJECTIVES)})[1 + (g * 7919) % ${ADJECTIVES.length}] || ' ' || (${arr(NOUNS)})[1 + (g * 104729) % ${NOUNS.length}] || ' ' || (g % 97) || 'mm',
                   (${arr(UNITS)})[1 + g % ${UNITS.length}],
                   (${catArray})[1 + g % ${catIds.length}],
                   g % 50 <> 0,
                   round(((g * 37) % 10000) / 100.0 + 0.5, 4),
                   round(((g * 37) % 10000) / 60.0 + 1, 4),
                   (g % 20) + 5
            from generate_series(${from}::bigint, ${to}::bigint) g
            returning id
          ),
          new_lots as (
            insert into lots (account_id, item_id, warehouse_id, spot, serial, units, received_at)
            select ${o.accountId}, ni.id, (${whArray})[1 + ((ni.id + l) % ${whIds.length})],
                   'A-' || lpad(((ni.id * 31 + l) % 200)::text, 3, '0'),
                   case when ni.id % 10 = 0 then 'SN' || ni.id || '-' || l end,
                   ((ni.id * 13 + l * 7) % 200) + 1,
                   now() - make_interval(days => ((ni.id + l) % 365)::int)
            from new_items ni cross join generate_series(1, ${o.lotsPerItem}) l
            returning id, item_id, warehouse_id, spot, units
          ),
          ledger as (
            insert into stock_transactions (account_id, lot_id, item_id, warehouse_id, spot, kind, units, reference, remark)
            select ${o.accountId}, id, item_id, warehouse_id, spot, 'receive', units, ${`seed-${run}`}, 'demo data'
            from new_lots
            returning 1
          ),
          levels as (
            insert into stock_levels (account_id, item_id, warehouse_id, on_hand)
            select ${o.accountId}, item_id, warehouse_id, sum(units) from new_lots group by item_id, warehouse_id
            returning 1
          )
          select (select count(*) from new_items)::int as items, (select count(*) from new_lots)::int as lots,
                 (select count(*) from ledger)::int as ledger, (select count(*) from levels)::int as levels`);
      const r = (res as { rows: { items: number; lots: number; ledger: number; levels: number }[] }).rows[0]!;
      await bumpCounter(tx, o.accountId, 'items', r.items);
      await bumpCounter(tx, o.accountId, 'lots', r.lots);
      await bumpCounter(tx, o.accountId, 'stock_transactions', r.ledger);
      await bumpCounter(tx, o.accountId, 'stock_levels', r.levels);
      return [r];
    })) as { lots: number }[];
    lotsTotal += row!.lots;
    o.onProgress?.(to);
  }
  // Fresh statistics so the planner picks the index walks at once, and a visibility map so they are index-only.
  for (const table of ['items', 'lots', 'stock_levels', 'stock_transactions']) await db.execute(sql.raw(`vacuum analyze ${table}`));
  return { items: o.items, lots: lotsTotal, warehouses: whIds, seconds: (Date.now() - started) / 1000 };
}

async function resolveAccount(db: Db, account: string | undefined): Promise<number> {
  if (account && /^\d+$/.test(account)) {
    const [a] = await db
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.id, Number(account)));
    if (!a) fail(`no account with id ${account}`);
    return a.id;
  }
  if (account) {
    const [a] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, account));
    if (a) return a.id;
    return (await createAccount(db, account)).account.id;
  }
  const [first] = await db.select({ id: accounts.id }).from(accounts).orderBy(asc(accounts.id)).limit(1);
  return first?.id ?? (await createAccount(db, 'Demo')).account.id;
}

function fail(message: string): never {
  console.error(`seed: ${message}`);
  process.exit(2);
}

const positiveInt = (name: string, v: string | undefined, dflt: number) => {
  if (v === undefined) return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number of at least 1`);
  return n;
};

/** `quartermaster seed --items N [--warehouses W] [--lots-per-item L] [--account ID|NAME] [--batch B]` */
export async function seed(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      items: { type: 'string' },
      warehouses: { type: 'string' },
      'lots-per-item': { type: 'string' },
      account: { type: 'string' },
      batch: { type: 'string' },
      customers: { type: 'string' },
    },
  });
  if (values.items === undefined) fail('give --items N (e.g. --items 1000000)');
  const items = positiveInt('items', values.items, 0);
  const opts = {
    items,
    warehouses: positiveInt('warehouses', values.warehouses, 3),
    lotsPerItem: positiveInt('lots-per-item', values['lots-per-item'], 1),
    batchSize: positiveInt('batch', values.batch, BACKGROUND.seedBatch),
    customers: values.customers === undefined ? undefined : positiveInt('customers', values.customers, 1),
  };
  const { database } = await openMigrated();
  try {
    const accountId = await resolveAccount(database.db, values.account);
    const bar = new cliProgress.SingleBar(
      { format: 'seed |{bar}| {percentage}% | {value}/{total} items | {eta_formatted} left', hideCursor: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(items, 0);
    const r = await seedAccount(database.db, { ...opts, accountId, onProgress: (n) => bar.update(n) });
    bar.stop();
    console.log(
      `Seeded account ${accountId}: ${r.items} items, ${r.lots} lots in ${r.warehouses.length} warehouses (ids ${r.warehouses.join(', ')}) in ${r.seconds.toFixed(1)} s.`,
    );
  } finally {
    await database.close();
  }
}
