import { afterAll, beforeAll, expect, test } from 'vitest';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';
import { caller } from '../../helpers/request.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

test('warehouses: CRUD, unique code, bins; a limited user sees only theirs and is refused the others with warehouse.forbidden', async () => {
  const { acc, api } = await ownerOf(t);
  const w1 = (await api.send('POST', '/api/v1/Warehouse', { code: 'MAIN', name: 'Main', address: '1 Road' })).json();
  const w2 = (await api.send('POST', '/api/v1/Warehouse', { code: 'EAST', name: 'East' })).json();
  expect((await api.send('POST', '/api/v1/Warehouse', { code: 'MAIN', name: 'Again' })).json().error).toMatchObject({
    key: 'conflict',
    fields: { code: ['must be unique'] },
  });
  expect((await api.send('POST', '/api/v1/Warehouse', { name: 'No code' })).json().error.fields).toHaveProperty('code');
  const bin = await api.send('POST', `/api/v1/Warehouse/${w1.wID}/Bin`, { spot: 'A-01' });
  expect(bin.statusCode).toBe(201);
  expect((await api.send('POST', `/api/v1/Warehouse/${w1.wID}/Bin`, { spot: 'A-01' })).statusCode).toBe(409);
  expect((await api.get(`/api/v1/Warehouse/${w1.wID}/bin`)).json().map((b: { spot: string }) => b.spot)).toEqual(['A-01']);
  expect((await api.get('/api/v1/Warehouse')).json().totalCount).toBe(2);

  const limited = caller(t, await acc.user({ group: 'manager', warehouses: [w1.wID] }));
  const list = (await limited.get('/api/v1/Warehouse')).json();
  expect(list.value.map((w: { code: string }) => w.code)).toEqual(['MAIN']);
  expect(list.totalCount).toBe(1);
  for (const res of [
    await limited.get(`/api/v1/Warehouse/${w2.wID}`),
    await limited.get(`/api/v1/Warehouse/${w2.wID}/Bin`),
    await limited.send('PATCH', `/api/v1/Warehouse/${w2.wID}`, { name: 'Mine now' }),
    await limited.send('POST', `/api/v1/Warehouse/${w2.wID}/Bin`, { spot: 'X' }),
    await limited.send('DELETE', `/api/v1/Warehouse/${w2.wID}`),
    await limited.send('POST', '/api/v1/Warehouse', { code: 'HIDDEN', name: 'Out of sight' }),
  ]) {
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('warehouse.forbidden');
  }
  expect((await api.get(`/api/v1/Warehouse/${w2.wID}`)).json().name).toBe('East');
  expect((await api.get('/api/v1/Warehouse?code=HIDDEN')).json().totalCount).toBe(0);
  const other = await ownerOf(t);
  expect((await other.api.get(`/api/v1/Warehouse/${w1.wID}`)).statusCode).toBe(404);
  expect((await other.api.send('DELETE', `/api/v1/Warehouse/${w1.wID}`)).statusCode).toBe(404);
  expect((await api.send('DELETE', `/api/v1/Warehouse/${w2.wID}`)).statusCode).toBe(204);
});
