import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';
import { request } from '../../helpers/request.js';
import { rowsOf } from '../../helpers/rows.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const scaled = (s: string) => BigInt(s.replace('.', ''));

test('200 concurrent issues and moves on the same lots never go negative, never lose or duplicate a unit, and the ledger sums to the levels', async () => {
  const { acc, api } = await ownerOf(t);
  const w1 = await acc.warehouse('C1');
  const w2 = await acc.warehouse('C2');
  const partNo = (await api.send('POST', '/api/v1/Item', { shortID: 'HOT' })).json().partNo;
  const lotIds: number[] = [];
  for (let i = 0; i < 3; i++) lotIds.push((await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: '20.5' })).json().lots[0].recNo);
  const received = 3n * 205000n;

  // 200 requests at once: more demand than stock, so some must be refused with stock.insufficient.
  const requests = Array.from({ length: 200 }, (_, i) => {
    const kind = i % 5;
    const body =
      kind === 0
        ? { url: '/api/v1/Inventory/Issue', payload: { partNo, wID: w1.id, units: '0.7' } }
        : kind === 1
          ? { url: '/api/v1/Inventory/Issue', payload: { recNo: lotIds[i % 3], units: '1.1' } }
          : kind === 2
            ? { url: '/api/v1/Inventory/Move', payload: { partNo, fromWID: w1.id, toWID: w2.id, units: '0.9' } }
            : kind === 3
              ? { url: '/api/v1/Inventory/Move', payload: { recNo: lotIds[i % 3], toWID: w2.id, units: '0.3' } }
              : { url: '/api/v1/Inventory/Issue', payload: { partNo, wID: w2.id, units: '0.4' } };
    return request(t, { method: 'POST', url: body.url, auth: api.authorization, payload: body.payload });
  });
  const results = await Promise.all(requests);
  const statuses = new Map<number, number>();
  for (const r of results) statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
  for (const r of results) {
    if (r.statusCode !== 201) expect(r.json().error.key, r.body).toBe('stock.insufficient');
  }
  expect(statuses.get(201)).toBeGreaterThan(0);
  expect(statuses.get(409)).toBeGreaterThan(0);

  // Units issued by the successful requests, from their own ledger entries.
  let issued = 0n;
  for (const r of results) {
    if (r.statusCode === 201) for (const e of r.json().transactions as { kind: string; units: string }[]) if (e.kind === 'issue') issued += -scaled(e.units);
  }

  const db = t.db;
  const lots = await rowsOf<{ id: number; warehouse_id: number; units: string }>(
    db,
    sql`select id, warehouse_id, units::text as units from lots where account_id = ${acc.account.id}`,
  );
  for (const l of lots) expect(scaled(l.units) >= 0n).toBe(true);
  const onHand = lots.reduce((a, l) => a + scaled(l.units), 0n);
  expect(onHand).toBe(received - issued);

  // Per lot and per (item, warehouse): ledger sums = lots = levels.
  const ledgerPerLot = await rowsOf<{ lot_id: number; units: string }>(
    db,
    sql`select lot_id, sum(units)::text as units from stock_transactions where account_id = ${acc.account.id} group by lot_id`,
  );
  const byLot = new Map(ledgerPerLot.map((r) => [Number(r.lot_id), scaled(r.units)]));
  for (const l of lots) expect(byLot.get(Number(l.id)) ?? 0n).toBe(scaled(l.units));
  const mismatches = await rowsOf<{ warehouse_id: number }>(
    db,
    sql`
      select s.warehouse_id from stock_levels s
      full join (select item_id, warehouse_id, sum(units) as units, sum(reserved) as reserved from stock_transactions where account_id = ${acc.account.id} group by 1, 2) l
        on l.item_id = s.item_id and l.warehouse_id = s.warehouse_id
      where (s.account_id = ${acc.account.id} or s.account_id is null)
        and (s.on_hand is distinct from l.units or s.reserved is distinct from l.reserved)`,
  );
  expect(mismatches).toEqual([]);
  const levels = (await api.get('/api/v1/Inventory/StockLevels')).json().value as { onHand: string }[];
  expect(levels.reduce((a, l) => a + scaled(l.onHand), 0n)).toBe(received - issued);
}, 180_000);

test('concurrent order confirmations never reserve more than there is; concurrent ships and cancels keep the books straight', async () => {
  const { acc, api } = await ownerOf(t);
  const w = await acc.warehouse('CO');
  const a = (await api.send('POST', '/api/v1/Item', { shortID: 'OA' })).json().partNo;
  const b = (await api.send('POST', '/api/v1/Item', { shortID: 'OB' })).json().partNo;
  for (let i = 0; i < 2; i++) {
    await api.send('POST', '/api/v1/Inventory/Receive', { partNo: a, wID: w.id, units: 25 });
    await api.send('POST', '/api/v1/Inventory/Receive', { partNo: b, wID: w.id, units: 25 });
  }
  // 30 orders of 3 A + 2 B (lines in both orders, to exercise lock ordering): at most 16 fit in 50 A.
  const ids: number[] = [];
  for (let i = 0; i < 30; i++) {
    const lines =
      i % 2
        ? [
            { partNo: a, units: 3 },
            { partNo: b, units: 2 },
          ]
        : [
            { partNo: b, units: 2 },
            { partNo: a, units: 3 },
          ];
    ids.push((await api.send('POST', '/api/v1/SalesOrder', { wID: w.id, lines })).json().orderID);
  }
  const confirms = await Promise.all(ids.map((id) => request(t, { method: 'POST', url: `/api/v1/SalesOrder/${id}/Confirm`, auth: api.authorization })));
  const confirmed = ids.filter((_, i) => confirms[i]!.statusCode === 200);
  for (const r of confirms) if (r.statusCode !== 200) expect(r.json().error.key, r.body).toBe('stock.insufficient');
  expect(confirmed.length).toBe(16);
  let lv = (await api.get(`/api/v1/Inventory/StockLevels/${w.id}?partNo=${a}`)).json().value[0];
  expect(lv).toMatchObject({ onHand: '50.0000', reserved: '48.0000', available: '2.0000' });

  const half = confirmed.length / 2;
  await Promise.all(
    confirmed.map((id, i) => request(t, { method: 'POST', url: `/api/v1/SalesOrder/${id}/${i < half ? 'Ship' : 'Cancel'}`, auth: api.authorization })),
  );
  lv = (await api.get(`/api/v1/Inventory/StockLevels/${w.id}?partNo=${a}`)).json().value[0];
  expect(lv).toMatchObject({ onHand: `${50 - 3 * half}.0000`, reserved: '0.0000' });
  const lvB = (await api.get(`/api/v1/Inventory/StockLevels/${w.id}?partNo=${b}`)).json().value[0];
  expect(lvB).toMatchObject({ onHand: `${50 - 2 * half}.0000`, reserved: '0.0000' });
  const leftovers = (await rowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from order_reservations where account_id = ${acc.account.id}`))[0]!.n;
  expect(leftovers).toBe(0);
}, 180_000);
