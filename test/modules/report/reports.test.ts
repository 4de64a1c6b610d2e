import { afterAll, beforeAll, expect, test } from 'vitest';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';
import { caller } from '../../helpers/request.js';
import { REPORT_NAMES } from '../../../src/access/permissions.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

/**
 * The fixture, by hand:
 *   item P (cost 1.5, reorder 10): W1 receives 4.25 and 3 → 7.25 on hand; order reserves 2 → available 5.25 (< 10: low)
 *   item Q (cost 0.3333, reorder 1): W2 receives 3 → 3 on hand (not low)
 *   item R (reorder 2, no stock at all): low, available 0
 *   valuation: P/W1 7.25 × 1.5 = 10.875 ; Q/W2 3 × 0.3333 = 0.9999 ; total 11.8749
 *   orders: one confirmed (2 × 4.10 = 8.2), one draft (1 × 0.3333 of Q at 3 = 3)
 */
async function fixture() {
  const o = await ownerOf(t);
  const w1 = await o.acc.warehouse('W1');
  const w2 = await o.acc.warehouse('W2');
  const P = (await o.api.send('POST', '/api/v1/Item', { shortID: 'P', description: 'Pipe, 1"', cost: '1.5', reorderPoint: '10' })).json().partNo;
  const Q = (await o.api.send('POST', '/api/v1/Item', { shortID: 'Q', cost: '0.3333', reorderPoint: '1' })).json().partNo;
  const R = (await o.api.send('POST', '/api/v1/Item', { shortID: 'R', reorderPoint: '2' })).json().partNo;
  await o.api.send('POST', '/api/v1/Inventory/Receive', { partNo: P, wID: w1.id, units: '4.25' });
  await o.api.send('POST', '/api/v1/Inventory/Receive', { partNo: P, wID: w1.id, units: 3 });
  await o.api.send('POST', '/api/v1/Inventory/Receive', { partNo: Q, wID: w2.id, units: 3 });
  const ord = (await o.api.send('POST', '/api/v1/SalesOrder', { wID: w1.id, lines: [{ partNo: P, units: 2, price: '4.10' }] })).json().orderID;
  expect((await o.api.send('POST', `/api/v1/SalesOrder/${ord}/Confirm`)).statusCode).toBe(200);
  await o.api.send('POST', '/api/v1/SalesOrder', { wID: w2.id, lines: [{ partNo: Q, units: 1, price: 3 }] });
  return { ...o, w1, w2, P, Q, R };
}

test('stock-levels, stock-valuation and low-stock match the hand-computed figures, in JSON and CSV', async () => {
  const { api, w1, w2, P, Q, R } = await fixture();
  const levels = (await api.get('/api/v1/Report/stock-levels')).json();
  expect(levels.rows).toEqual([
    { partNo: P, shortID: 'P', description: 'Pipe, 1"', wID: w1.id, onHand: '7.2500', reserved: '2.0000', available: '5.2500' },
    { partNo: Q, shortID: 'Q', description: '', wID: w2.id, onHand: '3.0000', reserved: '0.0000', available: '3.0000' },
  ]);
  const val = (await api.get('/api/v1/Report/stock-valuation?format=json')).json();
  expect(val.rows.map((r: { value: string }) => r.value)).toEqual(['10.8750', '0.9999']);
  expect(val.totals).toEqual({ onHand: '10.2500', value: '11.8749' });
  const low = (await api.get('/api/v1/Report/low-stock')).json();
  expect(low.rows.map((r: { partNo: number; available: string; shortfall: string }) => [r.partNo, r.available, r.shortfall])).toEqual([
    [P, '5.2500', '4.7500'],
    [R, '0.0000', '2.0000'],
  ]);
  const csv = await api.get('/api/v1/Report/stock-levels?format=csv');
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  expect(csv.body).toBe(
    'partNo,shortID,description,wID,onHand,reserved,available\r\n' +
      `${P},P,"Pipe, 1""",${w1.id},7.2500,2.0000,5.2500\r\n` +
      `${Q},Q,,${w2.id},3.0000,0.0000,3.0000\r\n`,
  );
  expect((await api.get('/api/v1/Report/stock-valuation?format=csv')).body.split('\r\n')[1]).toBe(`${P},P,${w1.id},7.2500,1.5000,10.8750`);
  // Scoped to W2, P disappears from every report.
  expect((await api.get(`/api/v1/Report/stock-valuation?wID=${w2.id}`)).json().totals.value).toBe('0.9999');
});

test('movement-history honours the date range, and order-summary totals per status', async () => {
  const { api, P } = await fixture();
  const all = (await api.get('/api/v1/Report/movement-history')).json();
  expect(all.rows.map((r: { kind: string; units: string; reserved: string }) => [r.kind, r.units, r.reserved])).toEqual([
    ['receive', '4.2500', '0.0000'],
    ['receive', '3.0000', '0.0000'],
    ['receive', '3.0000', '0.0000'],
    ['reserve', '0.0000', '2.0000'],
  ]);
  expect((await api.get(`/api/v1/Report/movement-history?partNo=${P}`)).json().rows).toHaveLength(3);
  expect((await api.get('/api/v1/Report/movement-history?from=2000-01-01&to=2000-12-31')).json().rows).toEqual([]);
  expect((await api.get('/api/v1/Report/movement-history?from=2000-01-01T00:00:00Z')).json().rows).toHaveLength(4);
  const orders = (await api.get('/api/v1/Report/order-summary')).json();
  expect(orders.rows).toEqual([
    { status: 'confirmed', orders: 1, lines: 1, units: '2.0000', value: '8.2000' },
    { status: 'draft', orders: 1, lines: 1, units: '1.0000', value: '3.0000' },
  ]);
  expect(orders.totals).toEqual({ orders: 2, units: '3.0000', value: '11.2000' });
  expect((await api.get('/api/v1/Report/order-summary?format=csv')).body).toBe(
    'status,orders,lines,units,value\r\nconfirmed,1,1,2.0000,8.2000\r\ndraft,1,1,1.0000,3.0000\r\n',
  );
});

test('report access is per report, per group; a limited user only sees their warehouses', async () => {
  const { acc, w1, w2, P } = await fixture();
  const g = await acc.group('levels only', { report: ['view'] }, ['stock-levels']);
  const u = caller(t, await acc.user({ group: g.id }));
  expect((await u.get('/api/v1/Report')).json().map((r: { name: string }) => r.name)).toEqual(['stock-levels']);
  expect((await u.get('/api/v1/Report/stock-levels')).statusCode).toBe(200);
  for (const name of REPORT_NAMES.filter((n) => n !== 'stock-levels')) {
    const res = await u.get(`/api/v1/Report/${name}?format=csv`);
    expect(res.statusCode, name).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
  }
  expect((await u.get('/api/v1/Report/no-such-report')).statusCode).toBe(404);
  const noRuleset = caller(t, await acc.user({ group: (await acc.group('reports but no ruleset', {}, ['stock-levels'])).id }));
  expect((await noRuleset.get('/api/v1/Report/stock-levels')).json().error.key).toBe('permission.denied');
  const superuser = caller(t, await acc.user({ group: null, superuser: true }));
  expect((await superuser.get('/api/v1/Report')).json()).toHaveLength(REPORT_NAMES.length);

  const all = await acc.group('all reports', { report: ['view'] }, [...REPORT_NAMES]);
  const limited = caller(t, await acc.user({ group: all.id, warehouses: [w2.id] }));
  const rows = (await limited.get('/api/v1/Report/stock-levels')).json().rows;
  expect(rows.map((r: { wID: number }) => r.wID)).toEqual([w2.id]);
  expect((await limited.get('/api/v1/Report/movement-history')).json().rows.every((r: { partNo: number }) => r.partNo !== P)).toBe(true);
  expect((await limited.get('/api/v1/Report/order-summary')).json().totals.orders).toBe(1);
  expect((await limited.get(`/api/v1/Report/stock-levels?wID=${w1.id}`)).json().error.key).toBe('warehouse.forbidden');
  const other = await ownerOf(t);
  const otherSuperuser = caller(t, await other.acc.user({ group: null, superuser: true }));
  expect((await otherSuperuser.get('/api/v1/Report/stock-levels')).json().rows).toEqual([]);
});

test('built-in groups grant reports by role: owner and manager all, staff stock figures only, read-only levels and low stock', async () => {
  const { acc } = await fixture();
  const names = async (group: 'owner' | 'manager' | 'staff' | 'read-only') =>
    (await caller(t, await acc.user({ group })).get('/api/v1/Report'))
      .json()
      .map((r: { name: string }) => r.name)
      .sort();
  expect(await names('owner')).toEqual([...REPORT_NAMES].sort());
  expect(await names('manager')).toEqual([...REPORT_NAMES].sort());
  expect(await names('staff')).toEqual(['low-stock', 'movement-history', 'stock-levels']);
  expect(await names('read-only')).toEqual(['low-stock', 'stock-levels']);
  const staff = caller(t, await acc.user({ group: 'staff' }));
  const refused = await staff.get('/api/v1/Report/stock-valuation');
  expect(refused.statusCode).toBe(403);
  expect(refused.json().error.key).toBe('permission.denied');
});
