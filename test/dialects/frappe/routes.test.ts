import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, makeAccount, startTestApp, type TestApp, type TestUser, unique } from '../../helpers/app.js';
import { appToken } from '../../helpers/oauth.js';
import { basic, request } from '../../helpers/request.js';

/**
 * The Frappe dialect, called the way frappe-client calls it: `POST /` with a form `cmd=login&usr=…&pwd=…` and
 * `Accept: application/json`, then the `sid` cookie; `/api/resource/<DocType>` with `fields`/`filters` as JSON in the
 * query string; inserts and updates as a form field `data=<json>`; deletes as `cmd=frappe.client.delete`.
 */
let t: TestApp;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let owner: TestUser;
let readOnly: TestUser;
let limited: TestUser;
let stranger: TestUser;
let mine: { id: number; code: string };
let theirs: { id: number; code: string };

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
type Headers = Record<string, string>;
const auth = (u: TestUser): Headers => ({ authorization: basic(u.username, u.password) });
const get = (url: string, headers: Headers) => request(t, { method: 'GET', url, headers: { accept: 'application/json', ...headers } });
const post = (url: string, headers: Headers, fields: Record<string, string>) =>
  request(t, { method: 'POST', url, headers: { ...FORM, ...headers }, payload: form(fields) });
const put = (url: string, headers: Headers, fields: Record<string, string>) =>
  request(t, { method: 'PUT', url, headers: { ...FORM, ...headers }, payload: form(fields) });
const list = (doctype: string, headers: Headers, params: Record<string, string> = {}) =>
  get(`/api/resource/${encodeURIComponent(doctype)}?${new URLSearchParams(params)}`, headers);
const insert = (doc: Record<string, unknown>, headers: Headers) =>
  post(`/api/resource/${encodeURIComponent(String(doc.doctype))}`, headers, { data: JSON.stringify(doc) });

async function login(u: TestUser) {
  const res = await post('/', {}, { cmd: 'login', usr: u.username, pwd: u.password });
  expect(res.statusCode).toBe(200);
  const sid = res.cookies.find((c) => c.name === 'sid')!;
  return { res, sid, cookie: { cookie: `sid=${sid.value}` } };
}

/** Frappe's error body, as its clients read it. */
function expectFrappeError(res: { statusCode: number; json(): any }, status: number, excType: string, key?: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(body.exc_type).toBe(excType);
  expect(body.exception).toMatch(new RegExp(`\\.${excType}: `));
  expect(JSON.parse(body.exc)).toEqual([body.exception]);
  expect(JSON.parse(JSON.parse(body._server_messages)[0]).message).toEqual(expect.any(String));
  if (key) expect(body.error.key).toBe(key);
}

beforeAll(async () => {
  t = await startTestApp();
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  readOnly = await acc.user({ group: 'owner', readOnly: true });
  const w1 = await acc.warehouse();
  const w2 = await acc.warehouse();
  mine = { id: w1.id, code: w1.code };
  theirs = { id: w2.id, code: w2.code };
  limited = await acc.user({ group: 'owner', warehouses: [w1.id] });
  stranger = await (await makeAccount(t, 'Other')).user({ group: 'owner' });
});
afterAll(() => t?.close());

describe('login and the sid cookie', () => {
  it('cmd=login posted to / answers {"message":"Logged In"} and a sid cookie (HttpOnly, SameSite=Strict) that the client sends back', async () => {
    const { res, sid, cookie } = await login(owner);
    expect(res.json()).toMatchObject({ message: 'Logged In', full_name: owner.username });
    expect(sid.value).toMatch(/^qm_ses_/);
    expect(sid).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Plain HTTP is only allowed from loopback; there the cookie cannot be Secure or the client would not send it back.
    expect(sid.secure).toBeFalsy();
    const who = await get('/api/method/frappe.auth.get_logged_user/', cookie);
    expect(who.json()).toEqual({ message: owner.username });
    expect((await list('Item', cookie)).json()).toEqual({ data: expect.any(Array) });
  });

  it('POST /api/method/login takes JSON as well; a wrong password is 401 AuthenticationError with exc (the client raises)', async () => {
    const ok = await request(t, {
      method: 'POST',
      url: '/api/method/login',
      headers: { accept: 'application/json' },
      payload: { usr: owner.username, pwd: owner.password },
    });
    expect(ok.json().message).toBe('Logged In');
    const bad = await post('/api/method/login', {}, { usr: owner.username, pwd: 'wrong' });
    expectFrappeError(bad, 401, 'AuthenticationError', 'credentials.invalid');
    expect(bad.json().message).toBeUndefined();
  });

  it('the same lockout as /api/auth/login: after 5 wrong passwords even the right one is 429', async () => {
    const victim = await acc.user({ group: 'staff' });
    for (let i = 0; i < 5; i++) expect((await post('/', {}, { cmd: 'login', usr: victim.username, pwd: 'nope' })).statusCode).toBe(401);
    const locked = await post('/', {}, { cmd: 'login', usr: victim.username, pwd: victim.password });
    expectFrappeError(locked, 429, 'TooManyRequestsError', 'rate_limited');
    expect(locked.headers['retry-after']).toBeDefined();
  });

  it('a user with a PIN gets tmp_id (Frappe two-factor) and logs in with tmp_id + otp', async () => {
    const u = await acc.user({ group: 'staff', pin: '4711' });
    const first = await post('/api/method/login', {}, { usr: u.username, pwd: u.password });
    expect(first.statusCode).toBe(200);
    expect(first.json().message).not.toBe('Logged In');
    expect(first.cookies.find((c) => c.name === 'sid')).toBeUndefined();
    const tmp = first.json().tmp_id as string;
    expectFrappeError(await post('/api/method/login', {}, { tmp_id: tmp, otp: '0000' }), 401, 'AuthenticationError');
    const ok = await post('/api/method/login', {}, { tmp_id: tmp, otp: '4711' });
    expect(ok.json().message).toBe('Logged In');
    expect(ok.cookies.find((c) => c.name === 'sid')?.value).toMatch(/^qm_ses_/);
  });

  it('logout ends the session: the cookie is refused afterwards', async () => {
    const { cookie } = await login(owner);
    expect((await post('/api/method/logout', cookie, {})).statusCode).toBe(200);
    expectFrappeError(await get('/api/method/frappe.auth.get_logged_user', cookie), 401, 'AuthenticationError', 'token.invalid');
    // Logging out again with the dead cookie is fine; a cross-site logout is not.
    expect((await post('/api/method/logout', cookie, {})).json()).toEqual({});
    expectFrappeError(await post('/', { ...(await login(owner)).cookie, origin: 'https://evil.example' }, { cmd: 'logout' }), 400, 'CSRFTokenError');
  });

  it('cmd=logout posted to / also ends it', async () => {
    const { cookie } = await login(owner);
    expect((await post('/', cookie, { cmd: 'logout' })).json()).toEqual({});
    expect((await get('/api/method/frappe.auth.get_logged_user', cookie)).statusCode).toBe(401);
  });

  it('GET /?cmd=… (frappe-client get_value and logout) runs the command; GET / without cmd is not a Frappe call', async () => {
    const { cookie } = await login(owner);
    const sku = unique('GV');
    expect((await insert({ doctype: 'Item', item_code: sku, item_name: 'Get value' }, cookie)).statusCode).toBe(200);
    const value = await get(
      `/?${new URLSearchParams({ cmd: 'frappe.client.get_value', doctype: 'Item', fieldname: 'item_name', filters: JSON.stringify({ item_code: sku }) })}`,
      cookie,
    );
    expect(value.json()).toEqual({ message: { item_name: 'Get value' } });
    expectFrappeError(await get('/?cmd=frappe.client.get_value&doctype=Item&filters=x', {}), 401, 'AuthenticationError', 'auth.required');
    expect((await get('/?cmd=logout', cookie)).json()).toEqual({});
    expect((await get('/api/method/frappe.auth.get_logged_user', cookie)).statusCode).toBe(401);
    expect((await get('/?cmd=login&usr=x&pwd=y', {})).statusCode).toBe(405);
    expect((await get('/', {})).json).toBeDefined();
    expect((await get('/', {})).headers['content-type']).not.toMatch(/frappe/);
  });

  it('attack: a cross-site POST with the sid cookie is refused (Origin or Sec-Fetch-Site), and nothing is written', async () => {
    const { cookie } = await login(owner);
    const sku = unique('CSRF');
    const doc = { doctype: 'Item', item_code: sku };
    const crossSite: Headers[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
    ];
    for (const h of crossSite) {
      expectFrappeError(await insert(doc, { ...cookie, ...h }), 400, 'CSRFTokenError', 'csrf.failed');
      expectFrappeError(await post('/', { ...cookie, ...h }, { cmd: 'frappe.client.delete', doctype: 'Item', name: 'x' }), 400, 'CSRFTokenError');
    }
    expectFrappeError(await get(`/api/resource/Item/${sku}`, cookie), 404, 'DoesNotExistError', 'not_found');
    // The same server's own pages may post: same origin.
    const same = await insert(doc, { ...cookie, origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' });
    expect(same.statusCode).toBe(200);
    expect(same.json().data.name).toBe(sku);
  });

  it('over plain HTTP from another machine, login and the sid cookie are refused (https.required); other cookies do not count', async () => {
    const { cookie } = await login(owner);
    const remote = { remoteAddress: '203.0.113.7' };
    const loginRes = await request(t, {
      method: 'POST',
      url: '/',
      headers: FORM,
      payload: form({ cmd: 'login', usr: owner.username, pwd: owner.password }),
      ...remote,
    });
    expectFrappeError(loginRes, 403, 'PermissionError', 'https.required');
    expectFrappeError(await request(t, { method: 'GET', url: '/api/resource/Item', headers: cookie, ...remote }), 403, 'PermissionError', 'https.required');
    const other = await request(t, { method: 'GET', url: '/api/resource/Item', headers: { cookie: 'consider=1; xsid=2' }, ...remote });
    expectFrappeError(other, 401, 'AuthenticationError', 'auth.required');
  });

  it("the sid cookie is Frappe's: the native API does not accept it", async () => {
    const { cookie } = await login(owner);
    const res = await get('/api/v1/Item', cookie);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('auth.required');
  });

  it('API key and secret (seed 004) work on every Frappe route too', async () => {
    const { apiKey: key, apiSecret } = await apiKey(t, owner);
    const res = await list('Item', { authorization: `token ${key}:${apiSecret}` }, { limit_page_length: '1' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.length).toBeLessThanOrEqual(1);
  });
});

describe('Item, as frappe-client reads and writes it', () => {
  it('insert (form data=<json>), get, list with fields/filters/limits/order_by, update (PUT form), delete (cmd=)', async () => {
    const { cookie } = await login(owner);
    const group = unique('Group');
    expect((await insert({ doctype: 'Item Group', item_group_name: group }, cookie)).json().data).toMatchObject({
      name: group,
      parent_item_group: 'All Item Groups',
    });
    const code = unique('FR');
    const created = await insert(
      { doctype: 'Item', item_code: code, item_name: 'Blue widget', item_group: group, stock_uom: 'Nos', standard_rate: 9.5, valuation_rate: '4.25' },
      cookie,
    );
    expect(created.statusCode).toBe(200);
    expect(created.json().data).toMatchObject({
      doctype: 'Item',
      name: code,
      item_code: code,
      item_name: 'Blue widget',
      item_group: group,
      stock_uom: 'Nos',
      disabled: 0,
      standard_rate: 9.5,
      valuation_rate: 4.25,
    });
    // The same item through the native API: one domain.
    const native = await get(`/api/v1/Item?shortID=${code}`, auth(owner));
    expect(native.json().value[0]).toMatchObject({ shortID: code, description: 'Blue widget', unit: 'Nos', price: '9.5000', cost: '4.2500' });

    const one = await get(`/api/resource/Item/${code}`, cookie);
    expect(one.json().data).toMatchObject({ name: code, item_group: group, modified: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/) });

    await insert({ doctype: 'Item', item_code: `${code}-B`, item_name: 'Red widget', item_group: group, disabled: 1 }, cookie);
    const filtered = await list('Item', cookie, {
      fields: JSON.stringify(['name', 'item_name', 'disabled']),
      filters: JSON.stringify({ item_group: group }),
      limit_start: '0',
      limit_page_length: '10',
      order_by: 'item_code desc',
    });
    expect(filtered.json()).toEqual({
      data: [
        { name: `${code}-B`, item_name: 'Red widget', disabled: 1 },
        { name: code, item_name: 'Blue widget', disabled: 0 },
      ],
    });
    const asList = await list('Item', cookie, {
      filters: JSON.stringify([
        ['Item', 'item_group', '=', group],
        ['disabled', '=', 0],
      ]),
    });
    expect(asList.json()).toEqual({ data: [{ name: code }] }); // default fields: ["name"]
    const paged = await list('Item', cookie, {
      filters: JSON.stringify({ item_group: group }),
      order_by: 'item_code asc',
      limit_start: '1',
      limit_page_length: '1',
    });
    expect(paged.json()).toEqual({ data: [{ name: `${code}-B` }] });
    const like = await list('Item', cookie, { filters: JSON.stringify([['item_code', 'like', `%${code}%`]]), fields: '["*"]' });
    expect(
      like
        .json()
        .data.map((d: { name: string }) => d.name)
        .sort(),
    ).toEqual([code, `${code}-B`]);

    const doc = one.json().data;
    const updated = await put(`/api/resource/Item/${code}`, cookie, { data: JSON.stringify({ ...doc, item_name: 'Renamed widget', disabled: 1 }) });
    expect(updated.json().data).toMatchObject({ name: code, item_name: 'Renamed widget', description: 'Renamed widget', disabled: 1, item_group: group });

    const del = await post('/', cookie, { cmd: 'frappe.client.delete', doctype: 'Item', name: `${code}-B` });
    expect(del.statusCode).toBe(200);
    expectFrappeError(await get(`/api/resource/Item/${code}-B`, cookie), 404, 'DoesNotExistError', 'not_found');
    const rest = await request(t, { method: 'DELETE', url: `/api/resource/Item/${code}`, headers: cookie });
    expect(rest.statusCode).toBe(202);
    expect(rest.json()).toEqual({ message: 'ok' });
  });

  it('frappe.client.get_list / get / insert / set_value / get_value / delete by /api/method and by cmd=', async () => {
    const h = auth(owner);
    const code = unique('M');
    const ins = await post('/api/method/frappe.client.insert', h, { doc: JSON.stringify({ doctype: 'Item', item_code: code, item_name: 'Via method' }) });
    expect(ins.json().message).toMatchObject({ name: code, item_name: 'Via method' });
    const got = await get(`/api/method/frappe.client.get?doctype=Item&name=${code}`, h);
    expect(got.json().message).toMatchObject({ name: code });
    const listed = await post('/', h, {
      cmd: 'frappe.client.get_list',
      doctype: 'Item',
      filters: JSON.stringify({ item_code: code }),
      fields: '["name","item_name"]',
    });
    expect(listed.json()).toEqual({ message: [{ name: code, item_name: 'Via method' }] });
    const set = await post('/', h, { cmd: 'frappe.client.set_value', doctype: 'Item', name: code, fieldname: 'disabled', value: '1' });
    expect(set.json().message).toMatchObject({ name: code, disabled: 1 });
    const setMany = await post('/api/method/frappe.client.set_value', h, {
      doctype: 'Item',
      name: code,
      fieldname: JSON.stringify({ stock_uom: 'Box', disabled: 0 }),
    });
    expect(setMany.json().message).toMatchObject({ stock_uom: 'Box', disabled: 0 });
    const value = await get(
      `/api/method/frappe.client.get_value?${new URLSearchParams({ doctype: 'Item', fieldname: 'stock_uom', filters: JSON.stringify({ name: code }) })}`,
      h,
    );
    expect(value.json()).toEqual({ message: { stock_uom: 'Box' } });
    const values = await post('/api/method/frappe.client.get_value', h, { doctype: 'Item', fieldname: '["item_name","disabled"]', filters: code });
    expect(values.json()).toEqual({ message: { item_name: 'Via method', disabled: 0 } });
    expect((await post('/api/method/frappe.client.delete', h, { doctype: 'Item', name: code })).json()).toEqual({});
    expectFrappeError(await get(`/api/method/frappe.client.get?doctype=Item&name=${code}`, h), 404, 'DoesNotExistError');
    expectFrappeError(await post('/api/method/frappe.client.no_such', h, {}), 404, 'DoesNotExistError');
  });

  it('a duplicate item_code is 409 DuplicateEntryError; deleting an item with stock is 417 LinkExistsError', async () => {
    const h = auth(owner);
    const code = unique('D');
    await insert({ doctype: 'Item', item_code: code }, h);
    expectFrappeError(await insert({ doctype: 'Item', item_code: code }, h), 409, 'DuplicateEntryError', 'conflict');
    await insert({ doctype: 'Stock Entry', stock_entry_type: 'Material Receipt', items: [{ item_code: code, qty: 1, t_warehouse: mine.code }] }, h);
    expectFrappeError(await request(t, { method: 'DELETE', url: `/api/resource/Item/${code}`, headers: h }), 417, 'LinkExistsError', 'conflict');
  });
});

describe('other DocTypes', () => {
  it('Warehouse and Customer: insert, get, list with filters, update, delete', async () => {
    const h = auth(owner);
    const wname = unique('Stores');
    const w = await insert({ doctype: 'Warehouse', warehouse_name: wname }, h);
    expect(w.json().data).toMatchObject({ name: wname, warehouse_name: wname, disabled: 0 });
    expect((await put(`/api/resource/Warehouse/${wname}`, h, { data: JSON.stringify({ disabled: 1 }) })).json().data.disabled).toBe(1);
    expect((await list('Warehouse', h, { filters: JSON.stringify({ disabled: 1 }), fields: '["name"]' })).json().data).toContainEqual({ name: wname });
    expect((await request(t, { method: 'DELETE', url: `/api/resource/Warehouse/${wname}`, headers: h })).statusCode).toBe(202);

    const c = await insert({ doctype: 'Customer', customer_name: 'ACME Ltd', email_id: 'ops@acme.example' }, h);
    const name = c.json().data.name as string;
    expect(name).toMatch(/^CUST-\d{5,}$/);
    expect((await get(`/api/resource/Customer/${name}`, h)).json().data).toMatchObject({ customer_name: 'ACME Ltd', email_id: 'ops@acme.example' });
    expect((await put(`/api/resource/Customer/${name}`, h, { data: JSON.stringify({ mobile_no: '+49 30 1234' }) })).json().data.mobile_no).toBe('+49 30 1234');
    expect((await request(t, { method: 'DELETE', url: `/api/resource/Customer/${name}`, headers: h })).statusCode).toBe(202);
  });

  it('Stock Entry: receipt, transfer and issue go through the ledger; Bin shows the levels and is read only', async () => {
    const h = auth(owner);
    const code = unique('S');
    await insert({ doctype: 'Item', item_code: code }, h);
    const receipt = await insert(
      { doctype: 'Stock Entry', stock_entry_type: 'Material Receipt', items: [{ item_code: code, qty: 10, t_warehouse: mine.code }] },
      h,
    );
    expect(receipt.json().data).toMatchObject({
      stock_entry_type: 'Material Receipt',
      docstatus: 1,
      items: [{ item_code: code, qty: 10, s_warehouse: null, t_warehouse: mine.code }],
    });
    const transfer = await request(t, {
      method: 'POST',
      url: '/api/resource/Stock%20Entry',
      headers: h,
      payload: { stock_entry_type: 'Material Transfer', items: [{ item_code: code, qty: 4, s_warehouse: mine.code, t_warehouse: theirs.code }] },
    });
    expect(transfer.json().data).toMatchObject({
      stock_entry_type: 'Material Transfer',
      items: [{ item_code: code, qty: 4, s_warehouse: mine.code, t_warehouse: theirs.code }],
    });
    const issue = await insert({ doctype: 'Stock Entry', purpose: 'Material Issue', items: [{ item_code: code, qty: '1.5', s_warehouse: mine.code }] }, h);
    expect(issue.json().data.items[0]).toMatchObject({ qty: 1.5, s_warehouse: mine.code });
    const tooMuch = await insert({ doctype: 'Stock Entry', purpose: 'Material Issue', items: [{ item_code: code, qty: 100, s_warehouse: mine.code }] }, h);
    expectFrappeError(tooMuch, 417, 'NegativeStockError', 'stock.insufficient');

    const bins = await list('Bin', h, {
      filters: JSON.stringify({ item_code: code }),
      fields: '["item_code","warehouse","actual_qty","projected_qty"]',
      order_by: 'item_code asc',
    });
    expect(bins.json().data).toEqual(
      expect.arrayContaining([
        { item_code: code, warehouse: mine.code, actual_qty: 4.5, projected_qty: 4.5 },
        { item_code: code, warehouse: theirs.code, actual_qty: 4, projected_qty: 4 },
      ]),
    );
    const name = receipt.json().data.name as string;
    expect((await get(`/api/resource/Stock%20Entry/${name}`, h)).json().data).toMatchObject({ name, stock_entry_type: 'Material Receipt' });
    const entries = await list('Stock Entry', h, {
      filters: JSON.stringify({ item_code: code }),
      fields: '["name","stock_entry_type"]',
      limit_page_length: '50',
    });
    expect(entries.json().data.map((e: { stock_entry_type: string }) => e.stock_entry_type)).toEqual([
      'Material Receipt',
      'Material Transfer',
      'Material Issue',
    ]);

    expectFrappeError(await insert({ doctype: 'Bin', item_code: code }, h), 405, 'MethodNotAllowed', 'method.not_allowed');
    expectFrappeError(await list('Nonsense', h), 404, 'DoesNotExistError', 'not_found');
  });

  it('Sales Order: insert with items, get, list by status, update while draft; delete is refused', async () => {
    const h = auth(owner);
    const code = unique('O');
    await insert({ doctype: 'Item', item_code: code }, h);
    const customer = (await insert({ doctype: 'Customer', customer_name: 'Buyer' }, h)).json().data.name;
    const so = await insert({ doctype: 'Sales Order', customer, set_warehouse: mine.code, po_no: 'PO-1', items: [{ item_code: code, qty: 2, rate: 3 }] }, h);
    const name = so.json().data.name as string;
    expect(so.json().data).toMatchObject({
      name: expect.stringMatching(/^SO-\d{5,}$/),
      customer,
      set_warehouse: mine.code,
      status: 'Draft',
      docstatus: 0,
      items: [{ item_code: code, qty: 2, rate: 3 }],
    });
    expect((await list('Sales Order', h, { filters: JSON.stringify({ status: 'Draft', customer }) })).json()).toEqual({ data: [{ name }] });
    expect((await put(`/api/resource/Sales%20Order/${name}`, h, { data: JSON.stringify({ po_no: 'PO-2' }) })).json().data.po_no).toBe('PO-2');
    expectFrappeError(await request(t, { method: 'DELETE', url: `/api/resource/Sales%20Order/${name}`, headers: h }), 405, 'MethodNotAllowed');
  });
});

describe('attacks', () => {
  it("a read-only user's PUT through /api/resource/Item is 403 PermissionError (user.read_only), also as set_value; nothing changes", async () => {
    const code = unique('RO');
    await insert({ doctype: 'Item', item_code: code, item_name: 'Original' }, auth(owner));
    expectFrappeError(
      await put(`/api/resource/Item/${code}`, auth(readOnly), { data: JSON.stringify({ item_name: 'pwned' }) }),
      403,
      'PermissionError',
      'user.read_only',
    );
    const { cookie } = await login(readOnly);
    expectFrappeError(
      await post('/', cookie, { cmd: 'frappe.client.set_value', doctype: 'Item', name: code, fieldname: 'item_name', value: 'pwned' }),
      403,
      'PermissionError',
      'user.read_only',
    );
    expectFrappeError(await post('/', cookie, { cmd: 'frappe.client.delete', doctype: 'Item', name: code }), 403, 'PermissionError', 'user.read_only');
    // Reading by POST is still reading.
    expect((await post('/', cookie, { cmd: 'frappe.client.get', doctype: 'Item', name: code })).json().message.item_name).toBe('Original');
    expect((await get(`/api/resource/Item/${code}`, auth(owner))).json().data.item_name).toBe('Original');
  });

  it("a warehouse-limited user cannot read another warehouse's Bin or Stock Entry, nor move stock there", async () => {
    const code = unique('WL');
    await insert({ doctype: 'Item', item_code: code }, auth(owner));
    const there = (
      await insert(
        { doctype: 'Stock Entry', stock_entry_type: 'Material Receipt', items: [{ item_code: code, qty: 3, t_warehouse: theirs.code }] },
        auth(owner),
      )
    ).json().data.name;
    await insert({ doctype: 'Stock Entry', stock_entry_type: 'Material Receipt', items: [{ item_code: code, qty: 2, t_warehouse: mine.code }] }, auth(owner));
    const h = auth(limited);
    expectFrappeError(
      await get(
        `/api/resource/Bin/BIN-0-${theirs.id}`.replace('BIN-0', `BIN-${(await get(`/api/v1/Item?shortID=${code}`, auth(owner))).json().value[0].partNo}`),
        h,
      ),
      403,
      'PermissionError',
      'warehouse.forbidden',
    );
    expectFrappeError(await list('Bin', h, { filters: JSON.stringify({ warehouse: theirs.code }) }), 403, 'PermissionError', 'warehouse.forbidden');
    const bins = await list('Bin', h, { filters: JSON.stringify({ item_code: code }), fields: '["warehouse"]' });
    expect(bins.json()).toEqual({ data: [{ warehouse: mine.code }] });
    expectFrappeError(await get(`/api/resource/Stock%20Entry/${there}`, h), 404, 'DoesNotExistError', 'not_found');
    const entries = await list('Stock Entry', h, { filters: JSON.stringify({ item_code: code }), fields: '["name"]' });
    expect(entries.json().data).not.toContainEqual({ name: there });
    expect(entries.json().data).toHaveLength(1);
    expectFrappeError(await list('Stock Entry', h, { filters: JSON.stringify({ t_warehouse: theirs.code }) }), 403, 'PermissionError', 'warehouse.forbidden');
    const move = await insert(
      { doctype: 'Stock Entry', stock_entry_type: 'Material Transfer', items: [{ item_code: code, qty: 1, s_warehouse: mine.code, t_warehouse: theirs.code }] },
      h,
    );
    expectFrappeError(move, 403, 'PermissionError', 'warehouse.forbidden');
    expectFrappeError(await get(`/api/resource/Warehouse/${theirs.code}`, h), 403, 'PermissionError', 'warehouse.forbidden');
  });

  it("a narrow OAuth token (products:read) reads Items but gets scope.wrong elsewhere, in Frappe's shape", async () => {
    const token = await appToken(t, owner, 'products:read');
    const h = { authorization: `Bearer ${token}` };
    expect((await list('Item', h)).statusCode).toBe(200);
    const wh = await list('Warehouse', h);
    expectFrappeError(wh, 403, 'PermissionError', 'scope.wrong');
    expect(wh.json().error).toEqual({
      key: 'scope.wrong',
      description: 'Your scope does not allow access here.',
      fields: {},
      required_scope: 'warehouses:read',
    });
    expectFrappeError(await insert({ doctype: 'Item', item_code: unique('N') }, h), 403, 'PermissionError', 'scope.wrong');
    expectFrappeError(await post('/api/method/frappe.client.get_list', h, { doctype: 'Customer' }), 403, 'PermissionError', 'scope.wrong');
  });

  it("another account's names are 404 DoesNotExistError, for reads, updates and deletes", async () => {
    const code = unique('X');
    await insert({ doctype: 'Item', item_code: code }, auth(owner));
    const customer = (await insert({ doctype: 'Customer', customer_name: 'Mine' }, auth(owner))).json().data.name;
    const h = auth(stranger);
    expectFrappeError(await get(`/api/resource/Item/${code}`, h), 404, 'DoesNotExistError', 'not_found');
    expectFrappeError(await put(`/api/resource/Item/${code}`, h, { data: '{"item_name":"pwned"}' }), 404, 'DoesNotExistError');
    expectFrappeError(await post('/', h, { cmd: 'frappe.client.delete', doctype: 'Item', name: code }), 404, 'DoesNotExistError');
    expectFrappeError(await get(`/api/resource/Customer/${customer}`, h), 404, 'DoesNotExistError');
    expectFrappeError(await get(`/api/resource/Warehouse/${mine.code}`, h), 404, 'DoesNotExistError');
    expect((await list('Item', h, { filters: JSON.stringify({ item_code: code }) })).json()).toEqual({ data: [] });
    expect((await get(`/api/resource/Item/${code}`, auth(owner))).json().data.item_name).toBe(code);
  });

  it("hostile input is a 4xx in Frappe's shape, never a 5xx", async () => {
    const h = auth(owner);
    const cases = [
      await get('/api/resource/Item/a%00b', h),
      await get('/api/resource/Item/__proto__', h),
      await get('/api/resource/Item/constructor', h),
      await get('/api/resource/Customer/CUST-99999999999999999999', h),
      await get('/api/resource/Bin/BIN-99999999999-1', h),
      await get('/api/resource/Stock%20Entry/..%2F..%2Fetc', h),
      await list('Item', h, { filters: '{"item_code": ' }),
      await list('Item', h, { filters: '[["item_code"]]' }),
      await list('Item', h, { filters: JSON.stringify({ item_code: ['exec', 'x'] }) }),
      await list('Item', h, { filters: JSON.stringify({ 'name; drop table items': 'x' }) }),
      await list('Item', h, { filters: JSON.stringify({ __proto__: 'x', constructor: 'y' }) }),
      await list('Item', h, { filters: JSON.stringify({ item_code: 'a\u0000b' }) }),
      await list('Item', h, { fields: '["name", {"a": 1}]' }),
      await list('Item', h, { fields: 'not json' }),
      await list('Item', h, { limit_start: '99999999999999999999' }),
      await list('Item', h, { limit_page_length: '-1' }),
      await list('Item', h, { order_by: 'name; drop table items' }),
      await list('Item', h, { order_by: 'password desc' }),
      await insert({ doctype: 'Item', item_code: 'x\u0000y' }, h),
      await insert({ doctype: 'Item', item_code: unique('H'), standard_rate: 1e300 }, h),
      await post('/api/resource/Item', h, { data: '{"item_code": "x", "standard_rate": 1e400}' }),
      await post('/api/resource/Item', h, { data: 'not json' }),
      await post('/api/resource/Item', h, { data: '["a"]' }),
      await post('/api/resource/Item', h, { data: JSON.stringify({ __proto__: { item_code: 'p' }, item_code: { $ne: 1 } }) }),
      await request(t, { method: 'POST', url: '/api/resource/Item', headers: { ...h, 'content-type': 'application/json' }, payload: '{"item_code": "a", ' }),
      await insert({ doctype: 'Stock Entry', stock_entry_type: 'Material Receipt', items: [{ item_code: 'nope', qty: 'NaN', t_warehouse: mine.code }] }, h),
      await insert({ doctype: 'Stock Entry', stock_entry_type: 'Material Receipt', items: 'x' }, h),
      await insert({ doctype: 'Sales Order', items: [null] }, h),
      await post('/', h, { cmd: 'frappe.client.get_value', doctype: 'Item', fieldname: '[1,2]', filters: '{"name": "x"}' }),
      await post('/', h, { cmd: '__proto__' }),
      await post('/', {}, { cmd: 'login', usr: 'a\u0000', pwd: 'b' }),
      await post('/', {}, { cmd: 'login' }),
    ];
    for (const [i, res] of cases.entries()) {
      expect(res.statusCode, `case ${i}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `case ${i}: ${res.body}`).toBeLessThan(500);
      expect(res.json().exc_type, `case ${i}`).toEqual(expect.any(String));
    }
  });

  it('no credentials: 401 AuthenticationError with WWW-Authenticate', async () => {
    const res = await list('Item', {});
    expectFrappeError(res, 401, 'AuthenticationError', 'auth.required');
    expect(res.headers['www-authenticate']).toBeDefined();
    expectFrappeError(await post('/', {}, { cmd: 'frappe.client.get_list', doctype: 'Item' }), 401, 'AuthenticationError', 'auth.required');
  });
});

describe('OpenAPI document', () => {
  it('lists the Frappe routes tagged Frappe, with Frappe error shapes and the declared permission', async () => {
    const doc = (await request(t, { method: 'GET', url: '/api/schema/' })).json();
    const op = doc.paths['/api/resource/Item/{name}'].put;
    // Error bodies are shared under components.schemas; follow the reference.
    const deref = (s: any): any => (typeof s?.$ref === 'string' ? deref(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]) : s);
    expect(op.tags).toEqual(['Frappe']);
    expect(op.description).toContain('**change** on ruleset **item**');
    for (const status of ['403', '404', '417', '4XX']) {
      const schema = deref(op.responses[status].content['application/json'].schema);
      expect(schema.properties ?? schema.$ref, status).toBeDefined();
      expect(JSON.stringify(schema.properties ?? {}), status).toContain('exc_type');
    }
    expect(doc.paths['/api/resource/Stock Entry'].post.tags).toEqual(['Frappe']);
    expect(doc.paths['/'].post.tags).toEqual(['Frappe']);
  });
});
