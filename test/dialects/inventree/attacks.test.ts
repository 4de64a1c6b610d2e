import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

/** The attacker's side of the InvenTree dialect: every rule of the native API holds on its routes. */
let t: TestApp;
let owner: TestUser;
let readOnly: TestUser;
let limited: TestUser;
let stranger: TestUser;
let ownerToken: string;
let whA: number; // location pks (warehouses)
let whB: number;
let lotA: number;
let lotB: number;
let partPk: number;
let categoryPk: number;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, authorization: string, payload?: unknown) =>
  request(t, {
    method,
    url,
    headers: { authorization, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
  });

beforeAll(async () => {
  t = await startTestApp();
  const a = await makeAccount(t, 'Victim store');
  const w1 = await a.warehouse();
  const w2 = await a.warehouse();
  owner = await a.user();
  readOnly = await a.user({ group: 'owner', readOnly: true });
  limited = await a.user({ group: 'staff', warehouses: [w1.id] });
  stranger = await (await makeAccount(t, 'Attacker store')).user();
  ownerToken = `Token ${await personalToken(t, owner)}`;
  whA = 2 * w1.id - 1;
  whB = 2 * w2.id - 1;
  categoryPk = (await call('POST', '/api/part/category/', ownerToken, { name: 'Tools' })).json().pk;
  partPk = (await call('POST', '/api/part/', ownerToken, { name: 'HAMMER', category: categoryPk })).json().pk;
  lotA = (await call('POST', '/api/stock/', ownerToken, { part: partPk, location: whA, quantity: 10 })).json().pk;
  lotB = (await call('POST', '/api/stock/', ownerToken, { part: partPk, location: whB, quantity: 7 })).json().pk;
});
afterAll(() => t.close());

async function narrowOAuthToken(scope: string): Promise<string> {
  const app = await call('POST', '/api/v1/App', ownerToken, {
    name: 'narrow',
    redirect_uris: ['https://shop.example/cb'],
    grant_types: ['authorization_code'],
    scope,
  });
  expect(app.statusCode).toBe(201);
  const tok = await call('POST', `/api/v1/App/${app.json().id}/Token`, ownerToken, { name: 'narrow', scope });
  expect(tok.statusCode).toBe(201);
  return `Bearer ${tok.json().access_token}`;
}

describe('scope', () => {
  it('a narrow OAuth token (orders:read) on /api/part/: 403 with a DRF detail and key scope.wrong', async () => {
    const bearer = await narrowOAuthToken('orders:read');
    for (const [method, url, body] of [
      ['GET', '/api/part/', undefined],
      ['GET', `/api/part/${partPk}/`, undefined],
      ['POST', '/api/part/', { name: 'SNEAKY' }],
      ['GET', '/api/stock/', undefined],
      ['POST', '/api/stock/remove/', { items: [{ pk: lotA, quantity: 1 }] }],
    ] as const) {
      const res = await call(method, url, bearer, body);
      expect(res.statusCode, url).toBe(403);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.json()).toEqual({ detail: expect.stringContaining('scope'), key: 'scope.wrong' });
    }
    // Nothing was created or issued.
    expect((await call('GET', '/api/part/?search=SNEAKY', ownerToken)).json()).toEqual([]);
    expect((await call('GET', `/api/stock/${lotA}/`, ownerToken)).json().quantity).toBe(10);
    // What the scope does allow still works elsewhere, and /api/user/roles/ shows the narrowing.
    const roles = (await call('GET', '/api/user/roles/', bearer)).json();
    expect(roles.roles.part).toBeNull();
    expect(roles.roles.sales_order).toEqual(['view']);
  });
});

describe('read-only users', () => {
  it('POST, PATCH, PUT and DELETE on every dialect resource: 403 user.read_only, nothing changes', async () => {
    const auth = basic(readOnly.username, readOnly.password);
    for (const [method, url, body] of [
      ['POST', '/api/part/', { name: 'RO' }],
      ['PATCH', `/api/part/${partPk}/`, { description: 'defaced' }],
      ['PUT', `/api/part/${partPk}/`, { name: 'HAMMER', description: 'defaced' }],
      ['DELETE', `/api/part/${partPk}/`, undefined],
      ['POST', '/api/part/category/', { name: 'RO' }],
      ['DELETE', `/api/part/category/${categoryPk}/`, undefined],
      ['POST', '/api/stock/location/', { name: 'RO' }],
      ['POST', '/api/stock/', { part: partPk, location: whA, quantity: 1 }],
      ['PATCH', `/api/stock/${lotA}/`, { quantity: 1 }],
      ['DELETE', `/api/stock/${lotA}/`, undefined],
      ['POST', '/api/stock/count/', { items: [{ pk: lotA, quantity: 0 }] }],
      ['POST', '/api/stock/transfer/', { items: [{ pk: lotA, quantity: 1 }], location: whB }],
    ] as const) {
      const res = await call(method, url, auth, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toEqual({ detail: expect.any(String), key: 'user.read_only' });
    }
    // A tunnelled method is a write too.
    const tunnel = await request(t, { method: 'GET', url: `/api/part/${partPk}/?_method=DELETE`, auth: auth });
    expect(tunnel.statusCode).toBe(403);
    expect((await call('GET', `/api/part/${partPk}/`, auth)).json()).toMatchObject({ name: 'HAMMER', description: '' });
    expect((await call('GET', `/api/stock/${lotA}/`, auth)).json().quantity).toBe(10);
  });
});

describe('warehouse scope', () => {
  const auth = () => basic(limited.username, limited.password);

  it("?location=<another warehouse> is 403 warehouse.forbidden; the list shows only the user's warehouses", async () => {
    const res = await call('GET', `/api/stock/?location=${whB}`, auth());
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ detail: expect.any(String), key: 'warehouse.forbidden' });
    expect((await call('GET', '/api/stock/', auth())).json().map((s: { pk: number }) => s.pk)).toEqual([lotA]);
    expect((await call('GET', `/api/stock/?part=${partPk}&limit=10`, auth())).json()).toMatchObject({
      count: 1,
      results: [expect.objectContaining({ pk: lotA })],
    });
    expect((await call('GET', '/api/stock/location/', auth())).json().map((l: { pk: number }) => l.pk)).toEqual([whA]);
  });

  it("another warehouse's stock item and location: 403 on detail, change, transfer and as a destination", async () => {
    for (const [method, url, body] of [
      ['GET', `/api/stock/${lotB}/`, undefined],
      ['PATCH', `/api/stock/${lotB}/`, { quantity: 0 }],
      ['POST', '/api/stock/remove/', { items: [{ pk: lotB, quantity: 1 }] }],
      ['POST', '/api/stock/transfer/', { items: [{ pk: lotA, quantity: 1 }], location: whB }],
      ['POST', '/api/stock/', { part: partPk, location: whB, quantity: 1 }],
      ['GET', `/api/stock/location/${whB}/`, undefined],
      ['GET', `/api/stock/location/?parent=${whB}`, undefined],
    ] as const) {
      const res = await call(method, url, auth(), body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().key).toBe('warehouse.forbidden');
    }
    expect((await call('GET', `/api/stock/${lotB}/`, ownerToken)).json().quantity).toBe(7);
    expect((await call('GET', `/api/stock/${lotA}/`, ownerToken)).json().quantity).toBe(10);
  });
});

describe('accounts', () => {
  it("another account's pks are 404 (read, change, delete), and filters by them find nothing", async () => {
    const auth = basic(stranger.username, stranger.password);
    for (const [method, url, body] of [
      ['GET', `/api/part/${partPk}/`, undefined],
      ['PATCH', `/api/part/${partPk}/`, { description: 'x' }],
      ['DELETE', `/api/part/${partPk}/`, undefined],
      ['GET', `/api/part/category/${categoryPk}/`, undefined],
      ['GET', `/api/stock/location/${whA}/`, undefined],
      ['DELETE', `/api/stock/location/${whA}/`, undefined],
      ['GET', `/api/stock/${lotA}/`, undefined],
      ['DELETE', `/api/stock/${lotA}/`, undefined],
    ] as const) {
      const res = await call(method, url, auth, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toEqual({ detail: expect.any(String), key: 'not_found' });
    }
    expect((await call('GET', `/api/stock/?part=${partPk}`, auth)).json()).toEqual([]);
    expect((await call('GET', `/api/part/?category=${categoryPk}&cascade=false`, auth)).json()).toEqual([]);
    const move = await call('POST', '/api/stock/remove/', auth, { items: [{ pk: lotA, quantity: 1 }] });
    expect(move.statusCode).toBe(400);
    expect(Object.keys(move.json())).toEqual(['items']);
    expect((await call('GET', `/api/stock/${lotA}/`, ownerToken)).json().quantity).toBe(10);
  });
});

describe('hostile input never answers 5xx', () => {
  it('huge, negative and non-numeric pks are 404', async () => {
    for (const pk of ['99999999999999999999999', '9007199254740993', '-1', '0', 'abc', '1e3', '%00', '__proto__', 'constructor']) {
      for (const base of ['/api/part/', '/api/part/category/', '/api/stock/location/', '/api/stock/']) {
        const res = await call('GET', `${base}${pk}/`, ownerToken);
        expect(res.statusCode, `${base}${pk}/`).toBeLessThan(500);
        if (res.statusCode !== 404) expect(res.statusCode, `${base}${pk}/`).toBe(400);
      }
    }
  });

  it('wrong types, NUL, prototype names and broken JSON are 400 with DRF field errors', async () => {
    const cases: [Method, string, unknown][] = [
      ['POST', '/api/part/', { name: {} }],
      ['POST', '/api/part/', { name: 'OK1', category: [1] }],
      ['POST', '/api/part/', { name: 'OK2', category: 'abc' }],
      ['POST', '/api/part/', { name: 'NUL\u0000NAME' }],
      ['POST', '/api/part/', { name: 'OK3', active: 'perhaps' }],
      ['POST', '/api/part/', { name: 'OK4', minimum_stock: '1e400' }],
      ['POST', '/api/part/', { name: 'x'.repeat(10_000) }],
      ['POST', '/api/part/', '{"__proto__": {"admin": true}, "name": {"constructor": 1}}'],
      ['POST', '/api/part/', '{"name": '],
      ['POST', '/api/part/', [1, 2, 3]],
      // eslint-disable-next-line no-loss-of-precision -- a client's number beyond any id, as JSON carries it
      ['POST', '/api/part/category/', { name: 'C', parent: 99999999999999999999 }],
      ['POST', '/api/stock/', { part: partPk, location: whA, quantity: 'lots' }],
      ['POST', '/api/stock/', { part: partPk, location: whA, quantity: -5 }],
      ['POST', '/api/stock/', { part: 'constructor', location: whA, quantity: 1 }],
      ['POST', '/api/stock/', { part: partPk, location: 999999999, quantity: 1 }],
      ['POST', '/api/stock/add/', { items: 'everything' }],
      ['POST', '/api/stock/add/', { items: [{ pk: lotA }] }],
      [
        'POST',
        '/api/stock/add/',
        {
          items: [
            { pk: lotA, quantity: 1 },
            { pk: lotA, quantity: 1 },
          ],
        },
      ],
      ['POST', '/api/stock/transfer/', { items: [{ pk: lotA, quantity: 1 }] }],
      ['POST', '/api/stock/location/', { name: 'P', parent: { pk: 1 } }],
      ['PATCH', `/api/stock/${lotA}/`, { status: 'broken' }],
    ];
    for (const [method, url, body] of cases) {
      const res = await call(method, url, ownerToken, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(typeof res.json()).toBe('object');
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await call('GET', `/api/stock/${lotA}/`, ownerToken)).json().quantity).toBe(10);
  });

  it('odd query strings are ignored or refused, never a 5xx', async () => {
    for (const qs of [
      'limit=-1',
      'limit=abc&offset=xyz',
      'limit=99999999999',
      'offset=5',
      'ordering=__proto__,-constructor',
      'category=1&category=2',
      'search=%00',
      'location=__proto__',
      'part=1e9',
      'cascade=maybe',
      '__proto__[x]=1',
      'format=api',
    ]) {
      for (const base of ['/api/part/', '/api/part/category/', '/api/stock/location/', '/api/stock/']) {
        const res = await call('GET', `${base}?${qs}`, ownerToken);
        expect(res.statusCode, `${base}?${qs}`).toBeLessThan(500);
      }
    }
    // A bad limit falls back to the whole list, as DRF does.
    expect((await call('GET', '/api/part/?limit=abc', ownerToken)).json()).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'HAMMER' })]));
  });
});
