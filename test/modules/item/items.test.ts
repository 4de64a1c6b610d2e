import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ownerOf, startTestApp, type TestApp } from '../../helpers/app.js';
import { caller } from '../../helpers/request.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('Item', () => {
  test('create, get, PUT replaces, PATCH changes only what is sent; decimals are exact strings', async () => {
    const { api } = await ownerOf(t);
    const created = await api.send('POST', '/api/v1/Item', { shortID: 'BOLT-1', description: 'Bolt', cost: 0.1, price: '0.2', reorderPoint: '10' });
    expect(created.statusCode, created.body).toBe(201);
    const item = created.json();
    expect(item).toMatchObject({
      shortID: 'BOLT-1',
      description: 'Bolt',
      unit: 'each',
      active: true,
      cost: '0.1000',
      price: '0.2000',
      reorderPoint: '10.0000',
      categoryID: null,
    });
    const got = await api.get(`/api/v1/item/${item.partNo}`);
    expect(got.json()).toEqual(item);
    const patched = await api.send('PATCH', `/api/v1/Item/${item.partNo}`, { description: 'Hex bolt' });
    expect(patched.json()).toMatchObject({ description: 'Hex bolt', cost: '0.1000' });
    const put = await api.send('PUT', `/api/v1/Item/${item.partNo}`, { shortID: 'BOLT-1', unit: 'box' });
    expect(put.json()).toMatchObject({ description: '', unit: 'box', cost: null, reorderPoint: null });
  });

  test('validation errors name the field', async () => {
    const { api } = await ownerOf(t);
    const missing = await api.send('POST', '/api/v1/Item', { description: 'x' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.key).toBe('validation.failed');
    expect(Object.keys(missing.json().error.fields)).toContain('shortID');
    const bad = await api.send('POST', '/api/v1/Item', { shortID: 'X', cost: '1.23456' });
    expect(Object.keys(bad.json().error.fields).join()).toMatch(/cost/);
    const unknown = await api.send('POST', '/api/v1/Item', { shortID: 'X', colour: 'red' });
    expect(unknown.json().error.fields).toHaveProperty('colour');
    const cat = await api.send('POST', '/api/v1/Item', { shortID: 'X', categoryID: 999999 });
    expect(cat.json().error.fields).toHaveProperty('categoryID');
  });

  test('a duplicate shortID is 409 conflict naming shortID; the same SKU in another account is fine', async () => {
    const a = await ownerOf(t);
    const b = await ownerOf(t);
    expect((await a.api.send('POST', '/api/v1/Item', { shortID: 'DUP' })).statusCode).toBe(201);
    const dup = await a.api.send('POST', '/api/v1/Item', { shortID: 'DUP' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ key: 'conflict', fields: { shortID: ['must be unique'] } });
    expect((await b.api.send('POST', '/api/v1/Item', { shortID: 'DUP' })).statusCode).toBe(201);
  });

  test("another account's item answers 404 on every route", async () => {
    const a = await ownerOf(t);
    const b = await ownerOf(t);
    const { partNo } = (await a.api.send('POST', '/api/v1/Item', { shortID: 'MINE' })).json();
    expect((await b.api.get(`/api/v1/Item/${partNo}`)).statusCode).toBe(404);
    expect((await b.api.send('PATCH', `/api/v1/Item/${partNo}`, { description: 'stolen' })).json().error.key).toBe('not_found');
    expect((await b.api.send('PUT', `/api/v1/Item/${partNo}`, { shortID: 'S' })).statusCode).toBe(404);
    expect((await b.api.send('DELETE', `/api/v1/Item/${partNo}`)).statusCode).toBe(404);
    expect((await b.api.get('/api/v1/Item?shortID=MINE')).json().value).toEqual([]);
    expect((await a.api.get(`/api/v1/Item/${partNo}`)).json().description).toBe('');
  });

  test('delete is refused with 409 while stock references the item; deactivating works; an unused item deletes', async () => {
    const { acc, api } = await ownerOf(t);
    const w = await acc.warehouse();
    const { partNo } = (await api.send('POST', '/api/v1/Item', { shortID: 'STOCKED' })).json();
    await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID: w.id, units: 1 });
    const del = await api.send('DELETE', `/api/v1/Item/${partNo}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().error.key).toBe('conflict');
    expect((await api.send('PATCH', `/api/v1/Item/${partNo}`, { active: false })).json().active).toBe(false);
    const free = (await api.send('POST', '/api/v1/Item', { shortID: 'FREE' })).json();
    expect((await api.send('DELETE', `/api/v1/Item/${free.partNo}`)).statusCode).toBe(204);
    expect((await api.get(`/api/v1/Item/${free.partNo}`)).statusCode).toBe(404);
    expect((await api.get('/api/v1/Item')).json().totalCount).toBe(1);
  });

  test('lists: paging shape, filters, q, sort, cursor; unknown filter or sort field is 400 naming it', async () => {
    const { api } = await ownerOf(t);
    const cat = (await api.send('POST', '/api/v1/Category', { name: 'Fasteners' })).json();
    for (let i = 1; i <= 7; i++) {
      await api.send('POST', '/api/v1/Item', {
        shortID: `SKU-${i}`,
        description: i % 2 ? 'odd widget' : 'even gadget',
        categoryID: i <= 3 ? cat.categoryID : null,
        active: i !== 7,
      });
    }
    const page = (await api.get('/api/v1/Item?page=2&pageSize=3')).json();
    expect(page).toMatchObject({ totalCount: 7, page: 2, pageSize: 3, pageCount: 3, hasMore: true });
    expect(page.value.map((i: { shortID: string }) => i.shortID)).toEqual(['SKU-4', 'SKU-5', 'SKU-6']);
    // The plain page reads its total with its rows; a page past the end (no rows to carry it) still knows it.
    expect((await api.get('/api/v1/Item?page=3&pageSize=3')).json()).toMatchObject({
      totalCount: 7,
      pageCount: 3,
      hasMore: false,
      value: [{ shortID: 'SKU-7' }],
    });
    expect((await api.get('/api/v1/Item?page=9&pageSize=3')).json()).toMatchObject({ totalCount: 7, page: 9, pageCount: 3, hasMore: false, value: [] });
    expect((await api.get(`/api/v1/Item?categoryID=${cat.categoryID}`)).json().totalCount).toBe(3);
    expect((await api.get('/api/v1/Item?active=false')).json().value.map((i: { shortID: string }) => i.shortID)).toEqual(['SKU-7']);
    expect((await api.get('/api/v1/Item?q=GADGET')).json().totalCount).toBe(3);
    expect((await api.get('/api/v1/Item?shortID=SKU-2')).json().value).toHaveLength(1);
    const sorted = (await api.get('/api/v1/Item?sort=-shortID&pageSize=2')).json();
    expect(sorted.value.map((i: { shortID: string }) => i.shortID)).toEqual(['SKU-7', 'SKU-6']);
    // Cursor: walk everything by description then id, 2 at a time, and get each item exactly once, in order.
    const seen: string[] = [];
    let url = '/api/v1/Item?sort=description&pageSize=2';
    for (let guard = 0; guard < 10; guard++) {
      const p = (await api.get(url)).json();
      seen.push(...p.value.map((i: { shortID: string }) => i.shortID));
      if (!p.next) break;
      url = `/api/v1/Item?sort=description&pageSize=2&after=${p.next}`;
    }
    expect(seen).toEqual(['SKU-2', 'SKU-4', 'SKU-6', 'SKU-1', 'SKU-3', 'SKU-5', 'SKU-7']);
    // Newest first by `updated`, with a cursor: the timestamps round-trip exactly (millisecond columns).
    const byUpdated: string[] = [];
    url = '/api/v1/Item?sort=-updated&pageSize=3';
    for (let guard = 0; guard < 10; guard++) {
      const p = (await api.get(url)).json();
      byUpdated.push(...p.value.map((i: { shortID: string }) => i.shortID));
      if (!p.next) break;
      url = `/api/v1/Item?sort=-updated&pageSize=3&after=${p.next}`;
    }
    expect(byUpdated).toEqual(['SKU-7', 'SKU-6', 'SKU-5', 'SKU-4', 'SKU-3', 'SKU-2', 'SKU-1']);
    const first = (await api.get('/api/v1/Item?sort=description&pageSize=2')).json();
    expect((await api.get(`/api/v1/Item?sort=shortID&pageSize=2&after=${first.next}`)).json().error.fields).toHaveProperty('after');
    const badFilter = await api.get('/api/v1/Item?colour=red');
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().error).toMatchObject({ key: 'validation.failed', fields: { colour: ['is not a known field'] } });
    const badSort = await api.get('/api/v1/Item?sort=price');
    expect(badSort.json().error.key).toBe('validation.failed');
    expect(badSort.json().error.fields.sort[0]).toMatch(/price/);
    expect((await api.get('/api/v1/Item?pageSize=501')).json().error.fields).toHaveProperty('pageSize');
    expect((await api.get('/api/v1/Item?after=garbage')).json().error.fields).toHaveProperty('after');
  });

  test("a plain page (a prepared statement) shows only the caller's account, on every pooled connection, as the built query does", async () => {
    const a = await ownerOf(t);
    const b = await ownerOf(t);
    // Interleaved ids: both accounts' items are neighbours in the table.
    for (let i = 1; i <= 4; i++) {
      expect((await a.api.send('POST', '/api/v1/Item', { shortID: `A-${i}` })).statusCode).toBe(201);
      expect((await b.api.send('POST', '/api/v1/Item', { shortID: `B-${i}` })).statusCode).toBe(201);
    }
    const skus = (body: { value: { shortID: string }[] }) => body.value.map((i) => i.shortID);
    // Concurrent calls spread over the pool's connections, each of which prepares the statement once.
    const calls = Array.from({ length: 12 }, (_, i) => [i % 2 ? b : a, (i % 2) + 1] as const);
    const pages = await Promise.all(calls.map(([who, page]) => who.api.get(`/api/v1/Item?page=${page}&pageSize=3`)));
    for (const [i, res] of pages.entries()) {
      const [who, page] = calls[i]!;
      const prefix = who === a ? 'A' : 'B';
      const body = res.json();
      expect(body).toMatchObject({ totalCount: 4, page, pageSize: 3, pageCount: 2, hasMore: page === 1 });
      expect(skus(body)).toEqual(page === 1 ? [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`] : [`${prefix}-4`]);
      // The same page through the general (built) query: identical answer.
      const built = (await who.api.get(`/api/v1/Item?page=${page}&pageSize=3&sort=partNo`)).json();
      expect(built.value).toEqual(body.value);
    }
  });

  test('staff may not delete items; a group without item rights may not read them', async () => {
    const { acc, api } = await ownerOf(t);
    const { partNo } = (await api.send('POST', '/api/v1/Item', { shortID: 'P' })).json();
    const staff = caller(t, await acc.user({ group: 'staff' }));
    const del = await staff.send('DELETE', `/api/v1/Item/${partNo}`);
    expect(del.statusCode).toBe(403);
    expect(del.json().error.key).toBe('permission.denied');
    const g = await acc.group('stock only', { stock: ['view'] });
    const none = caller(t, await acc.user({ group: g.id }));
    expect((await none.get('/api/v1/Item')).json().error.key).toBe('permission.denied');
  });
});
