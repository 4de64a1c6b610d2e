import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp } from '../helpers/oauth.js';
import { basic, caller, type Caller, expectError, FORM, request } from '../helpers/request.js';

let t: TestApp;
let api: Caller;
let owner: Awaited<ReturnType<Awaited<ReturnType<typeof makeAccount>>['user']>>;
let wID: number;
let partNo: number;

async function lotCount() {
  const res = await api.get(`/api/v1/Inventory?partNo=${partNo}&pageSize=500`);
  return res.json().totalCount as number;
}

beforeAll(async () => {
  t = await startTestApp();
  const acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  api = caller(t, owner);
  wID = (await acc.warehouse()).id;
  const item = await api.send('POST', '/api/v1/Item', { shortID: 'IN-1' });
  partNo = item.json().partNo;
  await api.send('POST', '/api/v1/Item', { shortID: 'IN-2' });
});
afterAll(() => t?.close());

describe('NUL and broken Unicode are refused at the edge', () => {
  it('Basic credentials holding a NUL answer 401 credentials.invalid', async () => {
    const res = await request(t, { method: 'GET', url: '/api/user/me/', auth: basic('bo\u0000ss', 'x') });
    expectError(res, 401, 'credentials.invalid');
    expect(res.headers['www-authenticate']).toBeDefined();
    const latin = `Basic ${Buffer.from([0x62, 0xff, 0x3a, 0x78]).toString('base64')}`; // "b\xff:x", not UTF-8
    expectError(await request(t, { method: 'GET', url: '/api/user/me/', auth: latin }), 401, 'credentials.invalid');
  });

  it('a login whose email holds a NUL answers 400 validation.failed naming it (JSON and form)', async () => {
    const json = await request(t, { method: 'POST', url: '/api/auth/login', payload: { email: 'bo\u0000ss@example.com', password: 'x' } });
    expect(expectError(json, 400, 'validation.failed').fields).toEqual({ email: ['must not contain NUL characters'] });
    const form = await request(t, { method: 'POST', url: '/api/auth/login', headers: FORM, payload: 'username=bo%00ss&password=x' });
    expectError(form, 400, 'validation.failed');
  });

  it('the password grant with a NUL in the username answers invalid_grant (RFC 6749), not server_error', async () => {
    const app = await createApp(t, owner, { name: 'POS', grant_types: ['refresh_token'], allow_password_grant: true, scope: 'products' });
    const res = await request(t, {
      method: 'POST',
      url: '/api/auth/token/',
      headers: { ...FORM, authorization: basic(app.client_id, app.client_secret!) },
      payload: 'grant_type=password&username=bo%00ss&password=x',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a NUL in a body string or a query value answers 400 naming the field, and nothing is stored', async () => {
    const body = await api.send('PATCH', `/api/v1/Item/${partNo}`, { description: 'a\u0000b' });
    expect(expectError(body, 400, 'validation.failed').fields).toEqual({ description: ['must not contain NUL characters'] });
    expect((await api.get(`/api/v1/Item/${partNo}`)).json().description).toBe('');
    expect(expectError(await api.get('/api/v1/Item?q=%00'), 400, 'validation.failed').fields).toEqual({ q: ['must not contain NUL characters'] });
    expectError(await api.get('/api/v1/Item/1%00'), 400, 'validation.failed');
  });

  it('invalid UTF-8 in JSON, a lone surrogate, or in a percent-encoded query answers 400; nothing is stored', async () => {
    const raw = Buffer.concat([Buffer.from('{"shortID":"X'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      headers: { authorization: api.authorization, 'content-type': 'application/json' },
      payload: raw,
    });
    expect(expectError(res, 400, 'validation.failed').fields).toEqual({ body: ['is not valid UTF-8'] });
    const lone = await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      headers: { authorization: api.authorization, 'content-type': 'application/json' },
      payload: '{"shortID":"\\ud800"}',
    });
    expect(expectError(lone, 400, 'validation.failed').fields).toEqual({ shortID: ['is not valid UTF-8'] });
    expectError(await api.get('/api/v1/Item?q=%ff'), 400, 'validation.failed');
    expect((await api.get('/api/v1/Item')).json().totalCount).toBe(2);
    expect((await api.get('/api/v1/Item?q=%E2%82%AC')).statusCode).toBe(200);
  });

  it('JSON declared as UTF-16 answers 415; text/plain answers 415; an unknown type 415', async () => {
    const headers = { authorization: api.authorization };
    const utf16 = await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      headers: { ...headers, 'content-type': 'application/json; charset=utf-16' },
      payload: '{"shortID":"U16"}',
    });
    expectError(utf16, 415, 'media_type.unsupported');
    const text = await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: '{"shortID":"TXT"}',
    });
    expectError(text, 415, 'media_type.unsupported');
    const xml = await request(t, { method: 'POST', url: '/api/v1/Item', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<a/>' });
    expectError(xml, 415, 'media_type.unsupported');
    const utf8 = await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      headers: { ...headers, 'content-type': 'application/json; charset=UTF-8' },
      payload: '{"shortID":"U8"}',
    });
    expect(utf8.statusCode).toBe(201);
    await api.send('DELETE', `/api/v1/Item/${utf8.json().partNo}`);
  });
});

describe('no coercion of body values; strict path and query values', () => {
  it.each([['0x10'], ['1e3'], [' 1'], ['+1'], ['Infinity'], ['1.00001'], [[1]], [true], [0], [-1], [1e300], [0.00001]])(
    'Receive with "units": %j answers 400 and makes no lot',
    async (units) => {
      const before = await lotCount();
      const res = await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID, units });
      expect(expectError(res, 400, 'validation.failed').fields).toHaveProperty('units');
      expect(await lotCount()).toBe(before);
    },
  );

  it('a string where a body expects an integer or boolean is refused, not converted', async () => {
    const r1 = await api.send('POST', '/api/v1/Inventory/Receive', { partNo: String(partNo), wID, units: 1 });
    expect(expectError(r1, 400, 'validation.failed').fields).toHaveProperty('partNo');
    const r2 = await api.send('PATCH', `/api/v1/Item/${partNo}`, { active: 'false' });
    expect(expectError(r2, 400, 'validation.failed').fields).toHaveProperty('active');
  });

  it('exact decimals as strings or numbers are accepted', async () => {
    const res = await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID, units: '2.5' });
    expect(res.statusCode).toBe(201);
    expect(res.json().lots[0].units).toBe('2.5000');
    const n = await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID, units: 0.25 });
    expect(n.json().lots[0].units).toBe('0.2500');
  });

  it.each(['%201', '+1', '0x10', '1e0', '1.0', 'Infinity', '-Infinity', '1%20'])('the id %s in a path answers 400 validation.failed', async (id) => {
    const res = await api.get(`/api/v1/Item/${id}`);
    expect(expectError(res, 400, 'validation.failed').fields).toHaveProperty('partNo');
  });

  it.each([
    'page=1e300',
    'page=99999999999',
    'page=0',
    'pageSize=-Infinity',
    'pageSize=Infinity',
    'pageSize=501',
    'page=%201',
    'active=1',
    'active=yes',
    'categoryID=0x1',
  ])('?%s answers 400 naming the parameter', async (q) => {
    const res = await api.get(`/api/v1/Item?${q}`);
    expect(Object.keys(expectError(res, 400, 'validation.failed').fields)).toEqual([q.split('=')[0]]);
  });

  it('booleans and integers in the query are read when well-formed', async () => {
    const res = await api.get('/api/v1/Item?active=true&page=01&pageSize=1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ page: 1, pageSize: 1, totalCount: 2 });
  });
});

describe('ids and numbers fit the database', () => {
  it('an id past the id range answers 400; a well-formed absent id 404', async () => {
    expectError(await api.get('/api/v1/Item/99999999999999999999'), 400, 'validation.failed');
    expectError(await api.get('/api/v1/Inventory/Lot/9223372036854775808'), 400, 'validation.failed');
    expectError(await api.get('/api/v1/Item/9007199254740992'), 400, 'validation.failed');
    expectError(await api.get('/api/v1/Item/9007199254740991'), 404, 'not_found');
    expectError(await api.get('/api/v1/Inventory/Lot/2147483648'), 404, 'not_found');
  });

  it('a Move naming "recNo": 9223372036854775808 answers 400 naming recNo', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/v1/Inventory/Move',
      headers: { authorization: api.authorization, 'content-type': 'application/json' },
      payload: `{"recNo": 9223372036854775808, "toWID": ${wID}}`,
    });
    expect(expectError(res, 400, 'validation.failed').fields).toHaveProperty('recNo');
  });

  it('Receive that would take a stock level past numeric(18,4) answers 409 conflict and writes nothing', async () => {
    partNo = (await api.send('POST', '/api/v1/Item', { shortID: 'BIG' })).json().partNo;
    const first = await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID, units: 99999999999999 });
    expect(first.statusCode).toBe(201);
    const before = await lotCount();
    const levels = (await api.get(`/api/v1/Inventory/StockLevels?partNo=${partNo}`)).json().value;
    const res = await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID, units: 99999999999999 });
    expect(expectError(res, 409, 'conflict').fields).toHaveProperty('units');
    expect(await lotCount()).toBe(before);
    expect((await api.get(`/api/v1/Inventory/StockLevels?partNo=${partNo}`)).json().value).toEqual(levels);
    const lot = first.json().lots[0].recNo;
    const adjust = await api.send('POST', '/api/v1/Inventory/Adjust', { recNo: lot, delta: '99999999999999', reason: 'count' });
    expect(expectError(adjust, 409, 'conflict').fields).toHaveProperty('delta');
    expect((await api.get(`/api/v1/Inventory/Lot/${lot}`)).json().units).toBe('99999999999999.0000');
    // The stock-valuation report sums past numeric(18,4) without failing.
    await api.send('PATCH', `/api/v1/Item/${partNo}`, { cost: '99999999999999.9999' });
    const report = await api.get('/api/v1/Report/stock-valuation');
    expect(report.statusCode).toBe(200);
    expect(report.json().totals.value).toMatch(/^\d{20,}\.\d{4}$/);
  });
});

describe('fields named like Object.prototype members', () => {
  const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

  it.each(names)('a JSON body field "%s" answers 400 naming it', async (name) => {
    const res = await api.send('POST', '/api/v1/Item', { shortID: 'P', [name]: 1 });
    expect(expectError(res, 400, 'validation.failed').fields).toEqual({ [name]: ['is not a known field'] });
  });

  it.each(names)('a query parameter "%s" answers 400 naming it', async (name) => {
    const res = await api.get(`/api/v1/Item?${name}=1`);
    expect(expectError(res, 400, 'validation.failed').fields).toEqual({ [name]: ['is not a known field'] });
  });

  it.each(names)('a form field "%s" on the login is just a field: the login answers 401, not 500', async (name) => {
    const res = await request(t, { method: 'POST', url: '/api/auth/login', headers: FORM, payload: `username=nobody-${name}&password=y&${name}=1` });
    expectError(res, 401, 'credentials.invalid');
  });

  it('__proto__ in JSON, a form or the query answers 400', async () => {
    const json = await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      headers: { authorization: api.authorization, 'content-type': 'application/json' },
      payload: '{"shortID":"P","__proto__":{"x":1}}',
    });
    expectError(json, 400, 'validation.failed');
    const form = await request(t, { method: 'POST', url: '/api/auth/login', headers: FORM, payload: 'username=nobody-proto&password=y&__proto__=1' });
    expectError(form, 401, 'credentials.invalid');
    const query = await api.get('/api/v1/Item?__proto__=1');
    expect(Object.keys(expectError(query, 400, 'validation.failed').fields)).toEqual(['__proto__']);
    expect(query.body).toContain('"__proto__":["is not a known field"]');
  });
});

describe('lists and updates', () => {
  it('a page far past the end answers the real totalCount', async () => {
    const res = await api.get('/api/v1/Item?page=99999999&pageSize=10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ value: [], totalCount: 3, page: 99999999, pageCount: 1, hasMore: false });
    const filtered = await api.get('/api/v1/Item?page=5000&pageSize=500&active=true');
    expect(filtered.json()).toMatchObject({ value: [], totalCount: 3 });
  });

  it('PATCH /api/v1/App/{id} with only token_endpoint_auth_method of the same kind answers the app unchanged', async () => {
    const app = await createApp(t, owner, { name: 'Conf', grant_types: ['authorization_code'], redirect_uris: ['https://shop.example/cb'] });
    const before = await api.get(`/api/v1/App/${app.id}`);
    const same = await api.send('PATCH', `/api/v1/App/${app.id}`, { token_endpoint_auth_method: 'client_secret_post' });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toEqual(before.json());
    const flip = await api.send('PATCH', `/api/v1/App/${app.id}`, { token_endpoint_auth_method: 'none' });
    expect(expectError(flip, 400, 'validation.failed').fields).toHaveProperty('token_endpoint_auth_method');
  });
});

describe("the framework's own errors in the documented shape", () => {
  it('a 1 MB header answers 431 headers.too_large over a real socket', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/Item', headers: { 'x-big': 'a'.repeat(1024 * 1024) } }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toEqual({ error: { key: 'headers.too_large', description: expect.any(String), fields: {} } });
  });

  it('a body over 1 MiB answers 413, bad JSON 400, an empty JSON body 400', async () => {
    const headers = { authorization: api.authorization, 'content-type': 'application/json' };
    expectError(
      await request(t, { method: 'POST', url: '/api/v1/Item', headers, payload: `{"shortID":"${'a'.repeat(1024 * 1024)}"}` }),
      413,
      'payload.too_large',
    );
    const bad = expectError(await request(t, { method: 'POST', url: '/api/v1/Item', headers, payload: '{"shortID":' }), 400, 'validation.failed');
    expect(bad.description).toBe('The body is not valid JSON.');
    expectError(await request(t, { method: 'POST', url: '/api/v1/Item', headers, payload: '' }), 400, 'validation.failed');
  });

  it('a malformed percent-encoding in the path answers 400 in the documented shape', async () => {
    expectError(await api.get('/api/v1/Item/%E0%A4%A'), 400, 'validation.failed');
    expectError(await api.get('/api/v1/Item/%ff'), 400, 'validation.failed');
  });
});
