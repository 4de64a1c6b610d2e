import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { caller, ownerOf } from './fixture.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

test('categories form a tree; a cycle, an unknown parent and deleting a used category are refused', async () => {
  const { api } = await ownerOf(t);
  const root = (await api.send('POST', '/api/v1/Category', { name: 'Root' })).json();
  const child = (await api.send('POST', '/api/v1/Category', { name: 'Child', parentID: root.categoryID })).json();
  expect(child.parentID).toBe(root.categoryID);
  const cycle = await api.send('PATCH', `/api/v1/Category/${root.categoryID}`, { parentID: child.categoryID });
  expect(cycle.json().error).toMatchObject({ key: 'validation.failed', fields: { parentID: ['would make the category its own ancestor'] } });
  expect((await api.send('POST', '/api/v1/Category', { name: 'X', parentID: 99999 })).json().error.fields).toHaveProperty('parentID');
  expect((await api.send('POST', '/api/v1/Category', {})).json().error.fields).toHaveProperty('name');
  expect((await api.send('DELETE', `/api/v1/Category/${root.categoryID}`)).statusCode).toBe(409);
  expect((await api.get(`/api/v1/Category?parentID=${root.categoryID}`)).json().value).toHaveLength(1);
  expect((await api.send('DELETE', `/api/v1/Category/${child.categoryID}`)).statusCode).toBe(204);
  const other = await ownerOf(t);
  expect((await other.api.get(`/api/v1/Category/${root.categoryID}`)).statusCode).toBe(404);
  expect((await other.api.send('POST', '/api/v1/Item', { shortID: 'Z', categoryID: root.categoryID })).json().error.fields).toHaveProperty('categoryID');
});

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

test('customers: CRUD, validation naming the field, cross-account 404, staff may not delete', async () => {
  const { acc, api } = await ownerOf(t);
  const c = await api.send('POST', '/api/v1/Customer', { name: 'ACME', email: 'buy@acme.test' });
  expect(c.statusCode).toBe(201);
  const { customerID } = c.json();
  expect((await api.send('POST', '/api/v1/Customer', { name: 'Bad', email: 'not-an-email' })).json().error.fields).toHaveProperty('email');
  expect((await api.send('PATCH', `/api/v1/Customer/${customerID}`, { phone: '555' })).json().phone).toBe('555');
  expect((await api.get('/api/v1/Customer?q=acme')).json().totalCount).toBe(1);
  const other = await ownerOf(t);
  expect((await other.api.get(`/api/v1/Customer/${customerID}`)).statusCode).toBe(404);
  expect((await other.api.send('PATCH', `/api/v1/Customer/${customerID}`, { name: 'x' })).statusCode).toBe(404);
  const staff = caller(t, await acc.user({ group: 'staff' }));
  expect((await staff.send('DELETE', `/api/v1/Customer/${customerID}`)).json().error.key).toBe('permission.denied');
  expect((await api.send('DELETE', `/api/v1/Customer/${customerID}`)).statusCode).toBe(204);
});
