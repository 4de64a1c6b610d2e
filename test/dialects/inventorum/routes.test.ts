import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser, unique } from '../../helpers/app.js';
import { appToken } from '../../helpers/oauth.js';
import { basic, request } from '../../helpers/request.js';

/** Seed 002's standard query, verbatim: `GET /api/products/?page=1` with `Accept: application/json` and a Bearer token. */
let t: TestApp;
let owner: TestUser;
let stranger: TestUser;
let partNo: number;
let sku: string;

const call = (url: string, token: string) => request(t, { method: 'GET', url, headers: { accept: 'application/json', authorization: `Bearer ${token}` } });

beforeAll(async () => {
  t = await startTestApp();
  const acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  stranger = await (await makeAccount(t, 'Other')).user({ group: 'owner' });
  sku = unique('INV');
  const res = await request(t, {
    method: 'POST',
    url: '/api/v1/Item',
    auth: basic(owner.username, owner.password),
    payload: { shortID: sku, description: 'Espresso cup', price: '4.5' },
  });
  partNo = res.json().partNo;
  for (let i = 0; i < 2; i++) {
    await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      auth: basic(owner.username, owner.password),
      payload: { shortID: unique('INV') },
    });
  }
});
afterAll(() => t?.close());

describe('GET /api/products/ (seed 002)', () => {
  it('a products:read token lists products a page at a time and reads one', async () => {
    const token = await appToken(t, owner, 'products:read');
    const res = await call('/api/products/?page=1', token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toMatchObject({ count: 3, next: null, previous: null });
    expect(body.results).toContainEqual(
      expect.objectContaining({ id: partNo, name: 'Espresso cup', product_code: sku, gross_price: '4.5000', is_active: true }),
    );

    const paged = await call('/api/products/?page=2&page_size=2&unknown=ignored', token);
    expect(paged.json()).toMatchObject({ count: 3, next: null, previous: 'http://localhost:80/api/products/?page=1&page_size=2' });
    expect(paged.json().results).toHaveLength(1);
    const first = await call('/api/products/?page=1&page_size=2', token);
    expect(first.json().next).toBe('http://localhost:80/api/products/?page=2&page_size=2');

    const one = await call(`/api/products/${partNo}/`, token);
    expect(one.json()).toMatchObject({ id: partNo, product_code: sku, description: 'Espresso cup' });
    const search = await call(`/api/products/?search=${encodeURIComponent('espresso')}`, token);
    expect(search.json().results.map((p: { id: number }) => p.id)).toEqual([partNo]);
  });

  it('the legacy scope "products" (seed 003) reads them too', async () => {
    const token = await appToken(t, owner, 'products');
    expect((await call('/api/products/?page=1', token)).json().count).toBe(3);
  });

  it("a token without a products scope: 403 with exactly seed 002's body (the needed scope beside it, not in it)", async () => {
    const token = await appToken(t, owner, 'orders:read');
    for (const url of ['/api/products/?page=1', `/api/products/${partNo}/`]) {
      const res = await call(url, token);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({
        error: { fields: {}, description: 'Your scope does not allow access here.', key: 'scope.wrong' },
        detail: { required_scope: 'products:read' },
      });
      expect(Object.keys(res.json().error)).toEqual(['fields', 'description', 'key']);
    }
  });

  it("an invalid token: 401 with exactly seed 002's body", async () => {
    const res = await call('/api/products/?page=1', 'not-a-token');
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe('{"error":{"fields":{},"description":"Invalid token","key":"token.invalid"}}');
    expect(res.headers['www-authenticate']).toBeDefined();
  });

  it("another account's product is 404; hostile paging and ids are 4xx, never 5xx", async () => {
    const token = await appToken(t, stranger, 'products:read');
    const res = await call(`/api/products/${partNo}/`, token);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ fields: {}, description: expect.any(String), key: 'not_found' });
    expect((await call('/api/products/?page=1', token)).json()).toMatchObject({ count: 0, results: [] });
    for (const url of [
      '/api/products/?page=abc',
      '/api/products/?page=0',
      '/api/products/?page=99999999999999',
      '/api/products/?page_size=501',
      '/api/products/?search=%00',
      '/api/products/__proto__/',
      '/api/products/99999999999/',
      '/api/products/-1/',
    ]) {
      const r = await call(url, token);
      expect(r.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, url).toBeLessThan(500);
      expect(Object.keys(r.json().error), url).toEqual(['fields', 'description', 'key']);
    }
    const bad = await call('/api/products/?page=abc', token);
    expect(bad.json().error).toMatchObject({ key: 'validation.failed', fields: { page: [expect.any(String)] } });
  });
});

describe('OpenAPI document', () => {
  it("lists the product routes tagged Inventorum, needing products:read, with seed 002's error body", async () => {
    const doc = (await request(t, { method: 'GET', url: '/api/schema/' })).json();
    const op = doc.paths['/api/products/'].get;
    expect(op.tags).toEqual(['Inventorum']);
    expect(op.security).toContainEqual({ oauth2: ['products:read'] });
    // Error bodies are shared under components.schemas; follow the reference.
    const deref = (s: any): any => (typeof s?.$ref === 'string' ? deref(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]) : s);
    const err = deref(op.responses['403'].content['application/json'].schema);
    expect(Object.keys(err.properties.error.properties)).toEqual(['fields', 'description', 'key']);
    expect(deref(op.responses['4XX'].content['application/json'].schema).properties.error).toBeDefined();
  });
});
