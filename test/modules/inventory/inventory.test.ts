import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';
import { caller, type Caller, request } from '../../helpers/request.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

async function setup() {
  const o = await ownerOf(t);
  const w1 = await o.acc.warehouse('W1');
  const w2 = await o.acc.warehouse('W2');
  const item = (await o.api.send('POST', '/api/v1/Item', { shortID: 'WIDGET', cost: '2.50', reorderPoint: '5' })).json();
  return { ...o, w1, w2, partNo: item.partNo as number };
}

const ledgerCount = async (api: Caller) => (await api.get('/api/v1/Inventory/Transactions?pageSize=1')).json().totalCount as number;

describe('stock transactions', () => {
  test('receive, move (lot and item+quantity), issue, adjust: lots, levels and ledger agree, exactly', async () => {
    const { api, w1, w2, partNo } = await setup();
    const r1 = await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, spot: 'A1', units: '0.1', serial: 'S-1', remark: 'first' });
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json().lots[0]).toMatchObject({ partNo, wID: w1.id, spot: 'A1', serial: 'S-1', units: '0.1000', available: '0.1000', onHold: false });
    expect(r1.json().transactions[0]).toMatchObject({ kind: 'receive', units: '0.1000', credential: 'password' });
    await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, spot: 'A1', units: 0.2 });
    // 0.1 + 0.2 is exactly 0.3 here (no float drift).
    const level = (await api.get(`/api/v1/Inventory/StockLevels/${w1.id}`)).json().value[0];
    expect(level).toMatchObject({ partNo, wID: w1.id, shortID: 'WIDGET', onHand: '0.3000', reserved: '0.0000', available: '0.3000' });

    const recNo = r1.json().lots[0].recNo;
    const mv = await api.send('POST', '/api/v1/Inventory/Move', { recNo, toWID: w2.id, toSpot: 'B1' });
    expect(mv.statusCode, mv.body).toBe(201);
    expect(mv.json().transactions.map((x: { kind: string; units: string }) => [x.kind, x.units])).toEqual([
      ['move_out', '-0.1000'],
      ['move_in', '0.1000'],
    ]);
    const mv2 = await api.send('POST', '/api/v1/Inventory/Move', { partNo, fromWID: w1.id, toWID: w2.id, units: '0.05' });
    expect(mv2.statusCode, mv2.body).toBe(201);
    const iss = await api.send('POST', '/api/v1/Inventory/Issue', { partNo, wID: w2.id, units: '0.12' });
    expect(iss.statusCode, iss.body).toBe(201);
    const adj = await api.send('POST', '/api/v1/Inventory/Adjust', { recNo: r1.json().lots[0].recNo + 1, units: '0.2', reason: 'count' });
    expect(adj.statusCode, adj.body).toBe(201);
    expect(adj.json().transactions[0]).toMatchObject({ kind: 'adjust', units: '0.0500', reason: 'count' });

    const levels = (await api.get('/api/v1/Inventory/StockLevels')).json().value;
    expect(levels.map((l: { wID: number; onHand: string }) => [l.wID, l.onHand])).toEqual([
      [w1.id, '0.2000'],
      [w2.id, '0.0300'],
    ]);
    // The ledger sums to the levels, per warehouse.
    const ledger = (await api.get('/api/v1/Inventory/Transactions?pageSize=500')).json().value as { wID: number; units: string }[];
    for (const l of levels) {
      const sum = ledger.filter((e) => e.wID === l.wID).reduce((a, e) => a + BigInt(e.units.replace('.', '')), 0n);
      expect(sum).toBe(BigInt(l.onHand.replace('.', '')));
    }
    expect((await api.get(`/api/v1/Inventory/Transactions?kind=move_in&partNo=${partNo}`)).json().totalCount).toBe(2);
    expect((await api.get(`/api/v1/Inventory/Transactions?reference=${mv.json().reference}`)).json().totalCount).toBe(2);
    expect((await api.get(`/api/v1/Inventory/Transactions?from=2000-01-01&to=2000-01-02`)).json().totalCount).toBe(0);
  });

  test('stock never goes negative: 409 stock.insufficient, and nothing is written', async () => {
    const { api, w1, partNo } = await setup();
    const lot = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 3 })).json().lots[0];
    const before = await ledgerCount(api);
    for (const [url, body] of [
      ['/api/v1/Inventory/Issue', { recNo: lot.recNo, units: '3.0001' }],
      ['/api/v1/Inventory/Issue', { partNo, wID: w1.id, units: 4 }],
      ['/api/v1/Inventory/Move', { recNo: lot.recNo, toWID: w1.id, toSpot: 'X', units: 5 }],
      ['/api/v1/Inventory/Adjust', { recNo: lot.recNo, delta: '-3.5', reason: 'broken' }],
    ] as const) {
      const res = await api.send('POST', url, body);
      expect(res.statusCode, `${url} ${res.body}`).toBe(409);
      expect(res.json().error.key).toBe('stock.insufficient');
    }
    expect(await ledgerCount(api)).toBe(before);
    expect((await api.get(`/api/v1/Inventory/Lot/${lot.recNo}`)).json().units).toBe('3.0000');
  });

  test('a lot on hold cannot be issued, not even oldest-first; releasing the hold allows it', async () => {
    const { api, w1, partNo } = await setup();
    const lot = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 2 })).json().lots[0];
    expect((await api.send('PATCH', `/api/v1/Inventory/Lot/${lot.recNo}`, { onHold: true, remark: 'QA' })).json().onHold).toBe(true);
    const direct = await api.send('POST', '/api/v1/Inventory/Issue', { recNo: lot.recNo, units: 1 });
    expect(direct.statusCode).toBe(409);
    expect(direct.json().error.fields).toHaveProperty('recNo');
    expect((await api.send('POST', '/api/v1/Inventory/Issue', { partNo, wID: w1.id, units: 1 })).json().error.key).toBe('stock.insufficient');
    await api.send('PATCH', `/api/v1/Inventory/Lot/${lot.recNo}`, { onHold: false });
    expect((await api.send('POST', '/api/v1/Inventory/Issue', { recNo: lot.recNo, units: 1 })).statusCode).toBe(201);
    expect((await api.get(`/api/v1/Inventory/Transactions?recNo=${lot.recNo}`)).json().value.map((e: { kind: string }) => e.kind)).toEqual([
      'receive',
      'hold',
      'unhold',
      'issue',
    ]);
  });

  test('issue oldest first across lots', async () => {
    const { api, w1, partNo } = await setup();
    const a = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 2 })).json().lots[0];
    const b = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 2 })).json().lots[0];
    const res = (await api.send('POST', '/api/v1/Inventory/Issue', { partNo, wID: w1.id, units: 3 })).json();
    expect(res.transactions.map((e: { recNo: number; units: string }) => [e.recNo, e.units])).toEqual([
      [a.recNo, '-2.0000'],
      [b.recNo, '-1.0000'],
    ]);
  });

  test('validation errors name the field', async () => {
    const { api, w1, partNo } = await setup();
    const cases: [string, object, string][] = [
      ['/api/v1/Inventory/Receive', { wID: w1.id, units: 1 }, 'partNo'],
      ['/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: '-1' }, 'units'],
      ['/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: '1.00001' }, 'units'],
      ['/api/v1/Inventory/Move', { recNo: 1 }, 'toWID'],
      ['/api/v1/Inventory/Move', { toWID: w1.id }, 'recNo'],
      ['/api/v1/Inventory/Issue', { units: 1 }, 'recNo'],
      ['/api/v1/Inventory/Adjust', { recNo: 1, units: 1 }, 'reason'],
    ];
    for (const [url, body, field] of cases) {
      const res = await api.send('POST', url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(Object.keys(res.json().error.fields).join(' '), `${url} ${res.body}`).toContain(field);
    }
  });

  test("another account's lots, items and warehouses answer 404, and nothing is written", async () => {
    const a = await setup();
    const b = await setup();
    const lot = (await a.api.send('POST', '/api/v1/Inventory/Receive', { partNo: a.partNo, wID: a.w1.id, units: 5 })).json().lots[0];
    const cases: [string, object][] = [
      ['/api/v1/Inventory/Issue', { recNo: lot.recNo, units: 1 }],
      ['/api/v1/Inventory/Move', { recNo: lot.recNo, toWID: b.w1.id }],
      ['/api/v1/Inventory/Adjust', { recNo: lot.recNo, units: 0, reason: 'x' }],
      ['/api/v1/Inventory/Receive', { partNo: a.partNo, wID: b.w1.id, units: 1 }],
      ['/api/v1/Inventory/Receive', { partNo: b.partNo, wID: a.w1.id, units: 1 }],
    ];
    for (const [url, body] of cases) {
      const res = await b.api.send('POST', url, body);
      expect(res.statusCode, `${url} ${res.body}`).toBe(404);
    }
    expect((await b.api.get(`/api/v1/Inventory/Lot/${lot.recNo}`)).statusCode).toBe(404);
    expect((await b.api.send('PATCH', `/api/v1/Inventory/Lot/${lot.recNo}`, { onHold: true })).statusCode).toBe(404);
    expect((await b.api.get('/api/v1/Inventory')).json().value).toEqual([]);
    expect((await b.api.get(`/api/v1/Inventory/${a.w1.id}`)).statusCode).toBe(404);
    expect((await b.api.get(`/api/v1/Inventory/StockLevels/${a.w1.id}`)).statusCode).toBe(404);
    expect((await a.api.get(`/api/v1/Inventory/Lot/${lot.recNo}`)).json()).toMatchObject({ units: '5.0000', onHold: false });
  });
});

describe('warehouse scope', () => {
  test('a user limited to W1 sees only W1 stock, and naming W2 anywhere is 403 warehouse.forbidden with nothing written', async () => {
    const { acc, api, w1, w2, partNo } = await setup();
    const inW1 = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 10 })).json().lots[0];
    const inW2 = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w2.id, units: 10 })).json().lots[0];
    const user = caller(t, await acc.user({ group: 'manager', warehouses: [w1.id] }));

    const lots = (await user.get('/api/v1/Inventory')).json();
    expect(lots.value.map((l: { recNo: number }) => l.recNo)).toEqual([inW1.recNo]);
    expect(lots.totalCount).toBe(1);
    expect((await user.get('/api/v1/Inventory/StockLevels')).json().value.map((l: { wID: number }) => l.wID)).toEqual([w1.id]);
    const ledger = (await user.get('/api/v1/Inventory/Transactions')).json();
    expect(ledger.value.every((e: { wID: number }) => e.wID === w1.id)).toBe(true);
    expect(ledger.totalCount).toBe(1);

    const before = await ledgerCount(api);
    const refusals = [
      await user.get(`/api/v1/Inventory/${w2.id}`),
      await user.get(`/api/v1/Inventory?wID=${w2.id}`),
      await user.get(`/api/v1/Inventory/StockLevels/${w2.id}`),
      await user.get(`/api/v1/Inventory/StockLevels?wID=${w2.id}`),
      await user.get(`/api/v1/Inventory/Transactions?wID=${w2.id}`),
      await user.get(`/api/v1/Inventory/Lot/${inW2.recNo}`),
      await user.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w2.id, units: 1 }),
      await user.send('POST', '/api/v1/Inventory/Move', { recNo: inW1.recNo, toWID: w2.id }),
      await user.send('POST', '/api/v1/Inventory/Move', { partNo, fromWID: w1.id, toWID: w2.id, units: 1 }),
      await user.send('POST', '/api/v1/Inventory/Move', { partNo, fromWID: w2.id, toWID: w1.id, units: 1 }),
      await user.send('POST', '/api/v1/Inventory/Move', { recNo: inW2.recNo, toWID: w1.id }),
      await user.send('POST', '/api/v1/Inventory/Issue', { recNo: inW2.recNo, units: 1 }),
      await user.send('POST', '/api/v1/Inventory/Issue', { partNo, wID: w2.id, units: 1 }),
      await user.send('POST', '/api/v1/Inventory/Adjust', { recNo: inW2.recNo, units: 0, reason: 'x' }),
      await user.send('PATCH', `/api/v1/Inventory/Lot/${inW2.recNo}`, { onHold: true }),
    ];
    for (const res of refusals) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.key).toBe('warehouse.forbidden');
    }
    expect(await ledgerCount(api)).toBe(before);
    expect((await api.get(`/api/v1/Inventory/Lot/${inW2.recNo}`)).json()).toMatchObject({ units: '10.0000', onHold: false });
    expect((await api.get(`/api/v1/Inventory/Lot/${inW1.recNo}`)).json()).toMatchObject({ units: '10.0000' });
    // Within W1 it works.
    expect((await user.send('POST', '/api/v1/Inventory/Move', { recNo: inW1.recNo, toWID: w1.id, toSpot: 'B', units: 1 })).statusCode).toBe(201);
  });
});

describe('permissions and read-only', () => {
  test('stock rights: read-only group may view but not write; a group without stock may not view', async () => {
    const { acc, api, w1, partNo } = await setup();
    await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 1 });
    const viewer = caller(t, await acc.user({ group: 'read-only' }));
    expect((await viewer.get('/api/v1/Inventory')).statusCode).toBe(200);
    const denied = await viewer.send('POST', '/api/v1/Inventory/Issue', { partNo, wID: w1.id, units: 1 });
    expect(denied.json().error.key).toBe('permission.denied');
    const g = await acc.group('items only', { item: ['view'] });
    const itemsOnly = caller(t, await acc.user({ group: g.id }));
    expect((await itemsOnly.get('/api/v1/Inventory/StockLevels')).json().error.key).toBe('permission.denied');
    expect((await itemsOnly.get('/api/v1/Inventory/Transactions')).json().error.key).toBe('permission.denied');
  });

  test('a read-only user is refused every write route of the domain, however the method is spelled', async () => {
    const { acc, api, w1, partNo } = await setup();
    const lot = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 5 })).json().lots[0];
    const cat = (await api.send('POST', '/api/v1/Category', { name: 'C' })).json();
    const cust = (await api.send('POST', '/api/v1/Customer', { name: 'C' })).json();
    const order = (await api.send('POST', '/api/v1/SalesOrder', { wID: w1.id, lines: [{ partNo, units: 1 }] })).json();
    const ro = caller(t, await acc.user({ group: 'owner', readOnly: true }));
    const writes: ['POST' | 'PUT' | 'PATCH' | 'DELETE', string, object?][] = [
      ['POST', '/api/v1/Item', { shortID: 'RO' }],
      ['PUT', `/api/v1/Item/${partNo}`, { shortID: 'RO' }],
      ['PATCH', `/api/v1/Item/${partNo}`, { description: 'RO' }],
      ['DELETE', `/api/v1/Item/${partNo}`],
      ['POST', '/api/v1/Category', { name: 'RO' }],
      ['PUT', `/api/v1/Category/${cat.categoryID}`, { name: 'RO' }],
      ['PATCH', `/api/v1/Category/${cat.categoryID}`, { name: 'RO' }],
      ['DELETE', `/api/v1/Category/${cat.categoryID}`],
      ['POST', '/api/v1/Warehouse', { code: 'RO', name: 'RO' }],
      ['PUT', `/api/v1/Warehouse/${w1.id}`, { name: 'RO' }],
      ['PATCH', `/api/v1/Warehouse/${w1.id}`, { name: 'RO' }],
      ['DELETE', `/api/v1/Warehouse/${w1.id}`],
      ['POST', `/api/v1/Warehouse/${w1.id}/Bin`, { spot: 'RO' }],
      ['DELETE', `/api/v1/Warehouse/${w1.id}/Bin/1`],
      ['POST', '/api/v1/Customer', { name: 'RO' }],
      ['PUT', `/api/v1/Customer/${cust.customerID}`, { name: 'RO' }],
      ['PATCH', `/api/v1/Customer/${cust.customerID}`, { name: 'RO' }],
      ['DELETE', `/api/v1/Customer/${cust.customerID}`],
      ['POST', '/api/v1/Inventory/Receive', { partNo, wID: w1.id, units: 1 }],
      ['POST', '/api/v1/Inventory/Move', { recNo: lot.recNo, toWID: w1.id, toSpot: 'X' }],
      ['POST', '/api/v1/Inventory/Issue', { recNo: lot.recNo, units: 1 }],
      ['POST', '/api/v1/Inventory/Adjust', { recNo: lot.recNo, units: 1, reason: 'x' }],
      ['PATCH', `/api/v1/Inventory/Lot/${lot.recNo}`, { onHold: true }],
      ['POST', '/api/v1/SalesOrder', { wID: w1.id, lines: [] }],
      ['PUT', `/api/v1/SalesOrder/${order.orderID}`, { remark: 'RO' }],
      ['PATCH', `/api/v1/SalesOrder/${order.orderID}`, { remark: 'RO' }],
      ['POST', `/api/v1/SalesOrder/${order.orderID}/Confirm`],
      ['POST', `/api/v1/SalesOrder/${order.orderID}/Ship`],
      ['POST', `/api/v1/SalesOrder/${order.orderID}/Cancel`],
    ];
    for (const [method, url, body] of writes) {
      const res = await ro.send(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.key).toBe('user.read_only');
    }
    const tunnelled = await request(t, {
      method: 'GET',
      url: `/api/v1/Item/${partNo}`,
      headers: { authorization: ro.authorization, 'x-http-method-override': 'DELETE' },
    });
    expect(tunnelled.statusCode).toBe(403);
    expect(tunnelled.json().error.key).toBe('user.read_only');
    expect((await api.get(`/api/v1/Item/${partNo}`)).json().description).toBe('');
    expect((await api.get(`/api/v1/Inventory/Lot/${lot.recNo}`)).json()).toMatchObject({ units: '5.0000', onHold: false });
    expect((await api.get(`/api/v1/SalesOrder/${order.orderID}`)).json().status).toBe('draft');
  });
});
