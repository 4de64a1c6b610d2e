import { afterAll, beforeAll, expect, test } from 'vitest';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';

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
