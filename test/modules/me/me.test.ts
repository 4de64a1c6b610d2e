import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScopes } from '../../../src/access/scopes.js';
import { apiKey, makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let owner: TestUser;
let staff: TestUser;
let readOnly: TestUser;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let wh: { id: number };

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t, 'Me store');
  wh = await acct.warehouse();
  owner = await acct.user({ superuser: true });
  staff = await acct.user({ group: 'staff', warehouses: [wh.id] });
  readOnly = await acct.user({ group: 'owner', readOnly: true });
  // An OAuth-like resolver for the scoped-credential cases (the OAuth module registers the real one).
  t.services.authenticator.addBearerResolver(async (token) => {
    if (!token.startsWith('fake-oauth:')) return null;
    const [, userId, ...scope] = token.split(':');
    const user = (await t.services.users.get(Number(userId)))!;
    return { user, credential: { kind: 'oauth', id: 99 }, scope: parseScopes(scope.join(':').split(',')), clientId: 'client-1' };
  });
});
afterAll(() => t.close());

const get = (url: string, authorization: string) => request(t, { method: 'GET', url, auth: authorization });

describe('GET /api/user/me/', () => {
  it('describes the user, account, groups, warehouses and the credential used', async () => {
    const res = await get('/api/user/me/', basic(staff.username, staff.password));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: staff.id,
      username: staff.username,
      email: staff.email,
      account: { id: acct.account.id, name: 'Me store' },
      superuser: false,
      readOnly: false,
      kind: 'human',
      groups: [{ id: acct.groups.staff.id, name: 'staff' }],
      warehouses: [wh.id],
      credential: { kind: 'password', id: null },
      // InvenTree's fields (seed 000), beside ours.
      pk: staff.id,
      first_name: '',
      last_name: '',
      is_staff: false,
      is_superuser: false,
      is_active: true,
    });
    // inventree-python compares the content type as a whole string.
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('names the personal token and shows null warehouses (all) for an unrestricted user', async () => {
    const token = await personalToken(t, owner);
    const body = (await get('/api/user/me/', `Token ${token}`)).json();
    expect(body.credential).toEqual({ kind: 'token', id: expect.any(Number) });
    expect(body.warehouses).toBeNull();
    expect(body.superuser).toBe(true);
    expect(body).not.toHaveProperty('scopes');
  });

  it('shows the scopes of a scoped credential, and a scope without a:superuser does not act as superuser', async () => {
    const body = (await get('/api/user/me/', `Bearer fake-oauth:${owner.id}:products:read,orders:read`)).json();
    expect(body.credential).toEqual({ kind: 'oauth', id: 99 });
    expect(body.scopes).toEqual(['products:read', 'orders:read']);
    expect(body.superuser).toBe(false);
    expect(body.clientId).toBe('client-1');
  });

  it('without credentials: 401 auth.required', async () => {
    const res = await request(t, { method: 'GET', url: '/api/user/me/' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('auth.required');
  });
});

describe('GET /api/user/roles/', () => {
  it("answers InvenTree's shape: user pk, username, roles under InvenTree's rulesets, permissions per model", async () => {
    const res = await get('/api/user/roles/', basic(staff.username, staff.password));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({
      user: staff.id,
      username: staff.username,
      roles: {
        admin: null,
        part_category: ['view'],
        part: ['view', 'add', 'change'],
        stock_location: ['view'],
        stock: ['view', 'add', 'change'],
        build: null,
        purchase_order: null,
        sales_order: ['view', 'add', 'change'],
        return_order: null,
        transfer_order: null,
      },
      permissions: {
        part: ['view', 'add', 'change'],
        partcategory: ['view'],
        stocklocation: ['view'],
        stockitem: ['view', 'add', 'change'],
        salesorder: ['view', 'add', 'change'],
        company: ['view', 'add', 'change'],
        reporttemplate: ['view'],
      },
      is_staff: false,
      is_superuser: false,
      read_only: false,
      rulesets: {
        item: ['view', 'add', 'change'],
        category: ['view'],
        warehouse: ['view'],
        stock: ['view', 'add', 'change'],
        order: ['view', 'add', 'change'],
        customer: ['view', 'add', 'change'],
        report: ['view'],
        user: [],
        app: [],
      },
    });
  });

  it('a superuser has everything', async () => {
    const body = (await get('/api/user/roles/', basic(owner.username, owner.password))).json();
    expect(body.is_superuser).toBe(true);
    expect(body.is_staff).toBe(true);
    expect(body.roles.admin).toEqual(['view', 'add', 'change', 'delete']);
    expect(body.rulesets.user).toEqual(['view', 'add', 'change', 'delete']);
    expect(Object.keys(body.permissions)).toHaveLength(9);
  });

  it('a scoped credential shows user ∩ scope, not the user rights', async () => {
    const body = (await get('/api/user/roles/', `Bearer fake-oauth:${owner.id}:products:read,orders:update`)).json();
    expect(body.is_superuser).toBe(false);
    expect(body.roles.part).toEqual(['view']);
    expect(body.roles.sales_order).toEqual(['change']);
    expect(body.roles.admin).toBeNull();
    expect(body.rulesets.item).toEqual(['view']);
    expect(body.rulesets.user).toEqual([]);
    expect(body.permissions).toEqual({ part: ['view'], salesorder: ['change'] });
  });

  it('a read-only user keeps only view, even in the owner group', async () => {
    const body = (await get('/api/user/roles/', basic(readOnly.username, readOnly.password))).json();
    expect(body.read_only).toBe(true);
    expect(body.roles.part).toEqual(['view']);
    expect(Object.values(body.permissions).every((actions) => JSON.stringify(actions) === '["view"]')).toBe(true);
  });
});

describe('GET /api/method/frappe.auth.get_logged_user (seed 004)', () => {
  it('answers exactly {"message": username} for token key:secret and Basic base64(key:secret)', async () => {
    const { apiKey: key, apiSecret } = await apiKey(t, staff);
    for (const authorization of [`token ${key}:${apiSecret}`, `Token ${key}:${apiSecret}`, basic(key, apiSecret)]) {
      const res = await get('/api/method/frappe.auth.get_logged_user', authorization);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(JSON.stringify({ message: staff.username }));
    }
  });

  it('also for Basic password, Token and Bearer', async () => {
    expect((await get('/api/method/frappe.auth.get_logged_user', basic(owner.username, owner.password))).json()).toEqual({ message: owner.username });
    expect((await get('/api/method/frappe.auth.get_logged_user', `Token ${await personalToken(t, owner)}`)).json()).toEqual({ message: owner.username });
    expect((await get('/api/method/frappe.auth.get_logged_user', `Bearer fake-oauth:${staff.id}:g:read`)).json()).toEqual({ message: staff.username });
  });

  it('a wrong API secret: 401 credentials.invalid', async () => {
    const { apiKey: key } = await apiKey(t, owner);
    const res = await get('/api/method/frappe.auth.get_logged_user', `token ${key}:qm_sec_${'A'.repeat(38)}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('credentials.invalid');
  });
});
