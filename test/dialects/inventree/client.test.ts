import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

/**
 * The InvenTree dialect, called the way InvenTree's python client calls it: the same URLs (an object's URL is
 * built as `<list url>/<pk>/`, so with a double slash), `?format=json` on writes, JSON bodies, Basic first and
 * then `Authorization: Token …`, and `Content-Type: application/json` compared as a whole string.
 */
let t: TestApp;
let owner: TestUser;
let token: string;

beforeAll(async () => {
  t = await startTestApp();
  const a = await makeAccount(t, 'InvenTree store');
  owner = await a.user();
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
async function call(method: Method, url: string, payload?: unknown, authorization = `Token ${token}`) {
  const write = method !== 'GET' && method !== 'DELETE';
  const full = write ? `${url}${url.includes('?') ? '&' : '?'}format=json` : url;
  const res = await request(t, {
    method,
    url: full,
    headers: { authorization, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
  if (method !== 'DELETE' || res.statusCode !== 204) expect(res.headers['content-type'], `${method} ${url}`).toBe('application/json');
  return res;
}

describe('connecting (what InvenTreeAPI.connect does)', () => {
  it('GET /api/ is public and names the server and an integer apiVersion the client accepts (>= 206)', async () => {
    const res = await request(t, { method: 'GET', url: '/api/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const body = res.json();
    expect(body).toMatchObject({ server: 'InvenTree', apiVersion: 206, instance: expect.any(String), version: expect.any(String) });
    expect(Number.isInteger(body.apiVersion)).toBe(true);
  });

  it('checks the password on /api/user/me/, then fetches its token by name; every script gets the same token', async () => {
    const me = await call('GET', '/api/user/me/', undefined, basic(owner.username, owner.password));
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ pk: owner.id, username: owner.username, email: owner.email });
    const first = await call('GET', '/api/user/token/?name=inventree-python-client', undefined, basic(owner.username, owner.password));
    expect(first.statusCode).toBe(200);
    token = first.json().token;
    expect(first.json()).toEqual({ token: expect.stringMatching(/^qm_pat_/), name: 'inventree-python-client', expiry: null });
    const second = await call('GET', '/api/user/token/?name=inventree-python-client', undefined, basic(owner.username, owner.password));
    expect(second.json().token).toBe(token);
    expect((await call('GET', '/api/user/me/')).json().username).toBe(owner.username);
  });

  it('a wrong token: 401 with DRF\'s {"detail"} body and a WWW-Authenticate challenge', async () => {
    const res = await call('GET', '/api/part/', undefined, 'Token qm_pat_nonsense');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBeDefined();
    expect(res.json()).toEqual({ detail: expect.any(String), key: 'token.invalid' });
  });
});

describe('part categories', () => {
  let root: number;
  let child: number;

  it('create (201 with pk), child with parent, pathstring and level', async () => {
    const a = await call('POST', '/api/part/category/', { name: 'Electronics', description: 'ignored here' });
    expect(a.statusCode).toBe(201);
    root = a.json().pk;
    expect(a.json()).toMatchObject({ pk: expect.any(Number), name: 'Electronics', parent: null, pathstring: 'Electronics', level: 0 });
    const b = await call('POST', '/api/part/category/', { name: 'Resistors', parent: root });
    child = b.json().pk;
    expect(b.json()).toMatchObject({ name: 'Resistors', parent: root, pathstring: 'Electronics/Resistors', level: 1 });
    await call('POST', '/api/part/category/', { name: 'SMD', parent: child });
  });

  it('list is a JSON array; parent gives children, cascade the subtree, cascade=false the top level', async () => {
    const all = (await call('GET', '/api/part/category/')).json();
    expect(Array.isArray(all)).toBe(true);
    expect(all.map((c: { name: string }) => c.name).sort()).toEqual(['Electronics', 'Resistors', 'SMD']);
    expect((await call('GET', `/api/part/category/?parent=${root}`)).json().map((c: { name: string }) => c.name)).toEqual(['Resistors']);
    const tree = (await call('GET', `/api/part/category/?parent=${root}&cascade=true`)).json();
    expect(tree.map((c: { pathstring: string }) => c.pathstring).sort()).toEqual(['Electronics/Resistors', 'Electronics/Resistors/SMD']);
    expect((await call('GET', '/api/part/category/?cascade=false')).json().map((c: { name: string }) => c.name)).toEqual(['Electronics']);
    expect((await call('GET', '/api/part/category/?search=resis&unknown_param=1')).json().map((c: { name: string }) => c.name)).toEqual(['Resistors']);
  });

  it('detail at the URL the client builds (double slash), PATCH, and DELETE 204', async () => {
    const d = await call('GET', `/api/part/category//${child}/`);
    expect(d.json()).toMatchObject({ pk: child, name: 'Resistors' });
    const p = await call('PATCH', `/api/part/category//${child}/`, { ...d.json<object>(), name: 'Resistors & co' });
    expect(p.statusCode).toBe(200);
    expect(p.json().name).toBe('Resistors & co');
    const made = (await call('POST', '/api/part/category/', { name: 'Temporary' })).json();
    expect((await call('DELETE', `/api/part/category//${made.pk}/`)).statusCode).toBe(204);
    expect((await call('GET', `/api/part/category//${made.pk}/`)).statusCode).toBe(404);
  });
});

describe('parts', () => {
  let cat: number;
  let sub: number;
  let part: Record<string, unknown>;

  beforeAll(async () => {
    cat = (await call('POST', '/api/part/category/', { name: 'Mechanical' })).json().pk;
    sub = (await call('POST', '/api/part/category/', { name: 'Screws', parent: cat })).json().pk;
  });

  it('create: name is the SKU, with description, category, units, minimum_stock', async () => {
    const res = await call('POST', '/api/part/', {
      name: 'M3-10',
      description: 'M3 x 10 screw',
      category: sub,
      units: 'pcs',
      minimum_stock: 100,
      active: true,
    });
    expect(res.statusCode).toBe(201);
    part = res.json();
    expect(part).toMatchObject({
      pk: expect.any(Number),
      name: 'M3-10',
      IPN: 'M3-10',
      description: 'M3 x 10 screw',
      category: sub,
      units: 'pcs',
      minimum_stock: 100,
      active: true,
    });
    // The same part through the native API.
    const native = await request(t, { method: 'GET', url: `/api/v1/Item/${part.pk}`, auth: `Token ${token}` });
    expect(native.json()).toMatchObject({ shortID: 'M3-10', categoryID: sub, unit: 'pcs', reorderPoint: '100.0000' });
  });

  it('list: array; category includes subcategories unless cascade=false; limit/offset give the DRF envelope', async () => {
    await call('POST', '/api/part/', { name: 'BRACKET', category: cat });
    const inTree = (await call('GET', `/api/part/?category=${cat}`)).json();
    expect(inTree.map((p: { name: string }) => p.name).sort()).toEqual(['BRACKET', 'M3-10']);
    expect((await call('GET', `/api/part/?category=${cat}&cascade=false`)).json().map((p: { name: string }) => p.name)).toEqual(['BRACKET']);
    const page = (await call('GET', `/api/part/?category=${cat}&limit=1&ordering=name`)).json();
    expect(page).toEqual({ count: 2, next: expect.stringContaining('offset=1'), previous: null, results: [expect.objectContaining({ name: 'BRACKET' })] });
    const page2 = (await call('GET', `/api/part/?category=${cat}&limit=1&offset=1&ordering=name`)).json();
    expect(page2).toMatchObject({ count: 2, next: null, previous: expect.stringContaining('limit=1'), results: [expect.objectContaining({ name: 'M3-10' })] });
    expect((await call('GET', `/api/part/?search=screw&ordering=-name&not_a_filter=x`)).json().map((p: { name: string }) => p.name)).toEqual(['M3-10']);
  });

  it('save() sends the whole object back: read-only fields are ignored; PUT replaces', async () => {
    const res = await call('PATCH', `/api/part//${part.pk}/`, { ...part, description: 'M3 x 10, zinc' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ description: 'M3 x 10, zinc', category: sub, units: 'pcs' });
    const put = await call('PUT', `/api/part//${part.pk}/`, { name: 'M3-10', description: 'replaced' });
    expect(put.json()).toMatchObject({ name: 'M3-10', description: 'replaced', category: null, minimum_stock: null });
  });

  it('validation errors name InvenTree fields: {"name": [...]}', async () => {
    const dup = await call('POST', '/api/part/', { name: 'M3-10' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toEqual({ name: [expect.any(String)] });
    const missing = await call('POST', '/api/part/', { description: 'no name' });
    expect(missing.json()).toEqual({ name: ['This field is required.'] });
    const ipn = await call('POST', '/api/part/', { name: 'A', IPN: 'B' });
    expect(Object.keys(ipn.json())).toEqual(['IPN']);
    const cat404 = await call('POST', '/api/part/', { name: 'C', category: 999999 });
    expect(cat404.statusCode).toBe(400);
    expect(Object.keys(cat404.json())).toEqual(['category']);
  });

  it('DELETE answers 204; the part is gone', async () => {
    const made = (await call('POST', '/api/part/', { name: 'TO-DELETE' })).json();
    expect((await call('DELETE', `/api/part//${made.pk}/`)).statusCode).toBe(204);
    const gone = await call('GET', `/api/part//${made.pk}/`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ detail: expect.any(String), key: 'not_found' });
  });
});

describe('stock locations and stock items', () => {
  let wh: Record<string, number | string | null>;
  let bin: Record<string, number | string | null>;
  let part: number;
  let item: Record<string, unknown>;

  it('a top-level location is a warehouse (odd pk), a child is one of its bins (even pk)', async () => {
    const w = await call('POST', '/api/stock/location/', { name: 'Main', description: 'Main warehouse' });
    expect(w.statusCode).toBe(201);
    wh = w.json();
    expect(wh).toMatchObject({ name: 'Main', parent: null, pathstring: 'Main', level: 0 });
    expect(Number(wh.pk) % 2).toBe(1);
    const b = await call('POST', '/api/stock/location/', { name: 'A-01', parent: wh.pk });
    bin = b.json();
    expect(bin).toMatchObject({ name: 'A-01', parent: wh.pk, pathstring: 'Main/A-01', level: 1 });
    expect(Number(bin.pk) % 2).toBe(0);
    const nested = await call('POST', '/api/stock/location/', { name: 'shelf', parent: bin.pk });
    expect(nested.statusCode).toBe(400);
    expect(Object.keys(nested.json())).toEqual(['parent']);
    // Natively: a warehouse with a bin.
    const native = await request(t, { method: 'GET', url: `/api/v1/Warehouse/${(Number(wh.pk) + 1) / 2}/Bin`, auth: `Token ${token}` });
    expect(native.json()).toEqual([expect.objectContaining({ spot: 'A-01' })]);
  });

  it('list, parent filter, detail, cascade=false (warehouses only)', async () => {
    const all = (await call('GET', '/api/stock/location/')).json();
    expect(all.map((l: { pathstring: string }) => l.pathstring)).toEqual(['Main', 'Main/A-01']);
    expect((await call('GET', `/api/stock/location/?parent=${wh.pk}`)).json().map((l: { name: string }) => l.name)).toEqual(['A-01']);
    expect((await call('GET', '/api/stock/location/?cascade=false')).json().map((l: { name: string }) => l.name)).toEqual(['Main']);
    expect((await call('GET', `/api/stock/location//${bin.pk}/`)).json()).toMatchObject({ pk: bin.pk, name: 'A-01' });
    const renamed = await call('PATCH', `/api/stock/location//${wh.pk}/`, { ...wh, name: 'Main store' });
    expect(renamed.json()).toMatchObject({ name: 'Main store', description: 'Main warehouse' });
  });

  it('POST /api/stock/ receives stock through the ledger and answers the item (201, pk)', async () => {
    part = (await call('POST', '/api/part/', { name: 'WIDGET' })).json().pk;
    const res = await call('POST', '/api/stock/', { part, location: bin.pk, quantity: 25, batch: 'LOT-7', notes: 'first delivery' });
    expect(res.statusCode).toBe(201);
    item = res.json();
    expect(item).toMatchObject({ pk: expect.any(Number), part, location: bin.pk, quantity: 25, batch: 'LOT-7', notes: 'first delivery', status: 10 });
    const ledger = await request(t, { method: 'GET', url: `/api/v1/Inventory/Transactions?recNo=${item.pk}`, auth: `Token ${token}` });
    expect(ledger.json().value).toEqual([expect.objectContaining({ kind: 'receive', units: '25.0000', credential: 'token' })]);
    const noLocation = await call('POST', '/api/stock/', { part, quantity: 1 });
    expect(noLocation.statusCode).toBe(400);
    expect(Object.keys(noLocation.json())).toEqual(['location']);
  });

  it('add, remove and count go through the ledger', async () => {
    const at = (q: number) => [{ pk: item.pk, quantity: q }];
    expect((await call('POST', '/api/stock/add/', { items: at(5), notes: 'found' })).statusCode).toBe(201);
    expect((await call('GET', `/api/stock//${item.pk}/`)).json().quantity).toBe(30);
    expect((await call('POST', '/api/stock/remove/', { items: at(3) })).statusCode).toBe(201);
    expect((await call('GET', `/api/stock//${item.pk}/`)).json().quantity).toBe(27);
    expect((await call('POST', '/api/stock/count/', { items: at(20), notes: 'cycle count' })).statusCode).toBe(201);
    expect((await call('GET', `/api/stock//${item.pk}/`)).json().quantity).toBe(20);
    const tooMuch = await call('POST', '/api/stock/remove/', { items: at(500) });
    expect(tooMuch.statusCode).toBe(400);
    const ledger = await request(t, { method: 'GET', url: `/api/v1/Inventory/Transactions?recNo=${item.pk}`, auth: `Token ${token}` });
    expect(ledger.json().value.map((e: { kind: string; units: string }) => `${e.kind} ${e.units}`)).toEqual([
      'receive 25.0000',
      'adjust 5.0000',
      'issue -3.0000',
      'adjust -7.0000',
    ]);
  });

  it('list filters: part, location (a warehouse includes its bins; cascade=false does not), batch; limit gives the envelope', async () => {
    expect((await call('POST', '/api/stock/transfer/', { items: [{ pk: item.pk, quantity: 5 }], location: wh.pk, notes: 'to the floor' })).statusCode).toBe(
      201,
    );
    const inWarehouse = (await call('GET', `/api/stock/?location=${wh.pk}`)).json();
    expect(inWarehouse.map((s: { location: number; quantity: number }) => [s.location, s.quantity]).sort()).toEqual([
      [wh.pk, 5],
      [bin.pk, 15],
    ]);
    expect((await call('GET', `/api/stock/?location=${wh.pk}&cascade=false`)).json().map((s: { quantity: number }) => s.quantity)).toEqual([5]);
    expect((await call('GET', `/api/stock/?location=${bin.pk}`)).json().map((s: { quantity: number }) => s.quantity)).toEqual([15]);
    expect((await call('GET', `/api/stock/?part=${part}&batch=LOT-7`)).json()).toHaveLength(2);
    const page = (await call('GET', `/api/stock/?part=${part}&limit=1`)).json();
    expect(page).toMatchObject({ count: 2, results: [expect.objectContaining({ part })] });
  });

  it('PATCH: a new quantity is a count, status 75 puts the lot on hold; location cannot change here', async () => {
    const current = (await call('GET', `/api/stock//${item.pk}/`)).json();
    const res = await call('PATCH', `/api/stock//${item.pk}/`, { ...current, quantity: 12, status: 75 });
    expect(res.json()).toMatchObject({ quantity: 12, status: 75, status_text: 'Quarantined' });
    const moved = await call('PATCH', `/api/stock//${item.pk}/`, { location: wh.pk });
    expect(moved.statusCode).toBe(400);
    expect(Object.keys(moved.json())).toEqual(['location']);
    expect((await call('PATCH', `/api/stock//${item.pk}/`, { status: 10 })).json().status).toBe(10);
  });

  it('DELETE issues what is left (204); the emptied item is gone from the list and detail', async () => {
    expect((await call('DELETE', `/api/stock//${item.pk}/`)).statusCode).toBe(204);
    expect((await call('GET', `/api/stock//${item.pk}/`)).statusCode).toBe(404);
    expect((await call('GET', `/api/stock/?part=${part}`)).json().map((s: { pk: number }) => s.pk)).not.toContain(item.pk);
    const ledger = await request(t, { method: 'GET', url: `/api/v1/Inventory/Transactions?recNo=${item.pk}`, auth: `Token ${token}` });
    expect(ledger.json().value.at(-1)).toMatchObject({ kind: 'issue', units: '-12.0000' });
  });

  it('a location with stock cannot be deleted; an empty bin can (204)', async () => {
    const res = await call('DELETE', `/api/stock/location//${wh.pk}/`);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toEqual(expect.any(String));
    const spare = (await call('POST', '/api/stock/location/', { name: 'B-02', parent: wh.pk })).json();
    expect((await call('DELETE', `/api/stock/location//${spare.pk}/`)).statusCode).toBe(204);
  });
});

describe('the OpenAPI document', () => {
  it('tags the dialect routes InvenTree, with response schemas including the DRF error shape', async () => {
    const doc = (await request(t, { method: 'GET', url: '/api/schema/' })).json();
    const op = doc.paths['/api/part/'].get;
    expect(op.tags).toEqual(['InvenTree']);
    expect(op.responses['200']).toBeDefined();
    // Error bodies are shared under components.schemas; follow the reference.
    const deref = (s: any): any => (typeof s?.$ref === 'string' ? deref(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]) : s);
    expect(JSON.stringify(deref(op.responses['4XX'].content['application/json'].schema))).toContain('detail');
    expect(doc.paths['/api/'].get.tags).toEqual(['InvenTree']);
    expect(doc.paths['/api/stock/transfer/'].post.security).toEqual(expect.arrayContaining([{ oauth2: ['inventories:update'] }]));
  });
});
