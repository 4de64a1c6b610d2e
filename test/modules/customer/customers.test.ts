import { afterAll, beforeAll, expect, test } from 'vitest';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';
import { caller } from '../../helpers/request.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

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
