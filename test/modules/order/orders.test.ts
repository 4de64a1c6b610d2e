import { afterAll, beforeAll, expect, test } from 'vitest';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';
import { caller } from '../../helpers/request.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

async function setup() {
  const o = await ownerOf(t);
  const w1 = await o.acc.warehouse();
  const w2 = await o.acc.warehouse();
  const a = (await o.api.send('POST', '/api/v1/Item', { shortID: 'A' })).json().partNo as number;
  const b = (await o.api.send('POST', '/api/v1/Item', { shortID: 'B' })).json().partNo as number;
  const customer = (await o.api.send('POST', '/api/v1/Customer', { name: 'Shop' })).json().customerID as number;
  return { ...o, w1, w2, a, b, customer };
}

test('draft → confirm reserves → ship issues oldest lots first; history is kept; levels follow', async () => {
  const { api, w1, a, b, customer } = await setup();
  const old = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo: a, wID: w1.id, units: 2 })).json().lots[0];
  const young = (await api.send('POST', '/api/v1/Inventory/Receive', { partNo: a, wID: w1.id, units: 5 })).json().lots[0];
  await api.send('POST', '/api/v1/Inventory/Receive', { partNo: b, wID: w1.id, units: 1 });
  const created = await api.send('POST', '/api/v1/SalesOrder', {
    customerID: customer,
    wID: w1.id,
    reference: 'PO-1',
    lines: [{ partNo: a, units: 3, price: '1.25' }],
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().orderID;
  expect(created.json()).toMatchObject({ status: 'draft', lines: [{ partNo: a, units: '3.0000', price: '1.2500', reserved: '0.0000' }] });
  const upd = await api.send('PATCH', `/api/v1/SalesOrder/${id}`, {
    lines: [
      { partNo: a, units: 3, price: '1.25' },
      { partNo: b, units: '0.5' },
    ],
  });
  expect(upd.json().lines).toHaveLength(2);

  const conf = await api.send('POST', `/api/v1/SalesOrder/${id}/Confirm`);
  expect(conf.statusCode, conf.body).toBe(200);
  expect(conf.json().order.status).toBe('confirmed');
  expect(conf.json().order.lines.map((l: { reserved: string }) => l.reserved)).toEqual(['3.0000', '0.5000']);
  expect(conf.json().transactions.map((e: { kind: string; recNo: number; reserved: string }) => [e.kind, e.recNo, e.reserved])).toEqual([
    ['reserve', old.recNo, '2.0000'],
    ['reserve', young.recNo, '1.0000'],
    ['reserve', expect.any(Number), '0.5000'],
  ]);
  let lv = (await api.get(`/api/v1/Inventory/StockLevels?partNo=${a}`)).json().value[0];
  expect(lv).toMatchObject({ onHand: '7.0000', reserved: '3.0000', available: '4.0000' });
  // Reserved stock cannot be issued by someone else.
  expect((await api.send('POST', '/api/v1/Inventory/Issue', { recNo: old.recNo, units: 1 })).json().error.key).toBe('stock.insufficient');
  expect((await api.send('PATCH', `/api/v1/SalesOrder/${id}`, { remark: 'late' })).statusCode).toBe(409);

  const ship = await api.send('POST', `/api/v1/SalesOrder/${id}/Ship`);
  expect(ship.statusCode, ship.body).toBe(200);
  expect(
    ship
      .json()
      .transactions.filter((e: { partNo: number }) => e.partNo === a)
      .map((e: { recNo: number; units: string }) => [e.recNo, e.units]),
  ).toEqual([
    [old.recNo, '-2.0000'],
    [young.recNo, '-1.0000'],
  ]);
  lv = (await api.get(`/api/v1/Inventory/StockLevels?partNo=${a}`)).json().value[0];
  expect(lv).toMatchObject({ onHand: '4.0000', reserved: '0.0000', available: '4.0000' });
  const order = (await api.get(`/api/v1/SalesOrder/${id}`)).json();
  expect(order.status).toBe('shipped');
  expect(order.history.map((h: { from: string | null; to: string }) => [h.from, h.to])).toEqual([
    [null, 'draft'],
    ['draft', 'confirmed'],
    ['confirmed', 'shipped'],
  ]);
  expect((await api.send('POST', `/api/v1/SalesOrder/${id}/Cancel`)).json().error.key).toBe('conflict');
  expect((await api.get(`/api/v1/Inventory/Transactions?orderID=${id}`)).json().totalCount).toBe(6);
});

test('confirm fails whole when one line cannot be reserved: nothing reserved, still draft', async () => {
  const { api, w1, a, b } = await setup();
  await api.send('POST', '/api/v1/Inventory/Receive', { partNo: a, wID: w1.id, units: 10 });
  await api.send('POST', '/api/v1/Inventory/Receive', { partNo: b, wID: w1.id, units: 1 });
  const id = (
    await api.send('POST', '/api/v1/SalesOrder', {
      wID: w1.id,
      lines: [
        { partNo: a, units: 5 },
        { partNo: b, units: 2 },
      ],
    })
  ).json().orderID;
  const conf = await api.send('POST', `/api/v1/SalesOrder/${id}/Confirm`);
  expect(conf.statusCode).toBe(409);
  expect(conf.json().error).toMatchObject({ key: 'stock.insufficient', fields: { 'lines.1.units': [expect.stringContaining('1.0000')] } });
  expect((await api.get(`/api/v1/SalesOrder/${id}`)).json().status).toBe('draft');
  expect((await api.get(`/api/v1/Inventory/StockLevels?partNo=${a}`)).json().value[0].reserved).toBe('0.0000');
  expect((await api.get('/api/v1/Inventory/Transactions?kind=reserve')).json().totalCount).toBe(0);
});

test('cancel releases reservations', async () => {
  const { api, w1, a } = await setup();
  await api.send('POST', '/api/v1/Inventory/Receive', { partNo: a, wID: w1.id, units: 4 });
  const id = (await api.send('POST', '/api/v1/SalesOrder', { wID: w1.id, lines: [{ partNo: a, units: 4 }] })).json().orderID;
  await api.send('POST', `/api/v1/SalesOrder/${id}/Confirm`);
  expect((await api.get(`/api/v1/Inventory/StockLevels?partNo=${a}`)).json().value[0].available).toBe('0.0000');
  const cancel = await api.send('POST', `/api/v1/SalesOrder/${id}/Cancel`);
  expect(cancel.json().order.status).toBe('cancelled');
  expect((await api.get(`/api/v1/Inventory/StockLevels?partNo=${a}`)).json().value[0]).toMatchObject({ onHand: '4.0000', reserved: '0.0000' });
  expect((await api.get(`/api/v1/SalesOrder?status=cancelled`)).json().totalCount).toBe(1);
});

test('orders: validation names the field, cross-account 404, warehouse scope 403 with nothing written', async () => {
  const { acc, api, w1, w2, a } = await setup();
  expect((await api.send('POST', '/api/v1/SalesOrder', { lines: [] })).json().error.fields).toHaveProperty('wID');
  expect(Object.keys((await api.send('POST', '/api/v1/SalesOrder', { wID: w1.id, lines: [{ partNo: a, units: 0 }] })).json().error.fields).join()).toContain(
    'lines.0.units',
  );
  const inW2 = (await api.send('POST', '/api/v1/SalesOrder', { wID: w2.id, lines: [{ partNo: a, units: 1 }] })).json().orderID;
  const other = await setup();
  expect((await other.api.get(`/api/v1/SalesOrder/${inW2}`)).statusCode).toBe(404);
  expect((await other.api.send('POST', `/api/v1/SalesOrder/${inW2}/Cancel`)).statusCode).toBe(404);
  expect((await other.api.send('POST', '/api/v1/SalesOrder', { wID: w1.id, lines: [] })).statusCode).toBe(404);
  expect((await other.api.send('POST', '/api/v1/SalesOrder', { wID: other.w1.id, lines: [{ partNo: a, units: 1 }] })).statusCode).toBe(404);

  const limited = caller(t, await acc.user({ group: 'manager', warehouses: [w1.id] }));
  expect((await limited.get('/api/v1/SalesOrder')).json().totalCount).toBe(0);
  for (const res of [
    await limited.get(`/api/v1/SalesOrder/${inW2}`),
    await limited.get(`/api/v1/SalesOrder?wID=${w2.id}`),
    await limited.send('POST', '/api/v1/SalesOrder', { wID: w2.id, lines: [] }),
    await limited.send('POST', `/api/v1/SalesOrder/${inW2}/Cancel`),
    await limited.send('PATCH', `/api/v1/SalesOrder/${inW2}`, { remark: 'x' }),
  ]) {
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.key).toBe('warehouse.forbidden');
  }
  const mine = (await limited.send('POST', '/api/v1/SalesOrder', { wID: w1.id, lines: [] })).json().orderID;
  expect((await limited.send('PATCH', `/api/v1/SalesOrder/${mine}`, { wID: w2.id })).json().error.key).toBe('warehouse.forbidden');
  expect((await api.get(`/api/v1/SalesOrder/${inW2}`)).json()).toMatchObject({ status: 'draft', remark: null });
  const readOnlyGroup = caller(t, await acc.user({ group: 'read-only' }));
  expect((await readOnlyGroup.send('POST', `/api/v1/SalesOrder/${mine}/Confirm`)).json().error.key).toBe('permission.denied');
});
