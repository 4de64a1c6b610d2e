import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, personalToken, startTestApp, type TestApp, type TestUser, unique } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let other: Awaited<ReturnType<typeof makeAccount>>;
let admin: TestUser; // superuser
let owner: TestUser; // owner group, not superuser
let adminAuth: string;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t);
  other = await makeAccount(t, 'Other store');
  admin = await acct.user({ superuser: true });
  owner = await acct.user({ group: 'owner' });
  adminAuth = `Token ${await personalToken(t, admin)}`;
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, authorization: string, payload?: unknown) =>
  request(t, { method, url, auth: authorization, ...(payload !== undefined ? { payload: payload as object } : {}) });

const items = (authorization: string) => call('GET', '/api/v1/Item?page=1&pageSize=10', authorization);

async function newUser(fields: Record<string, unknown> = {}, auth = adminAuth) {
  const username = unique('n');
  const res = await call('POST', '/api/v1/User', auth, {
    username,
    email: `${username}@example.test`,
    password: 'first password',
    groupIds: [acct.groups.staff.id],
    ...fields,
  });
  return res;
}

describe('users: create, read, list', () => {
  it('creates a user and answers it without any hash', async () => {
    const wh = await acct.warehouse();
    const res = await newUser({ pin: '1234', readOnly: true, warehouseIds: [wh.id] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      kind: 'human',
      active: true,
      readOnly: true,
      superuser: false,
      hasPassword: true,
      hasPin: true,
      groups: [{ id: acct.groups.staff.id, name: 'staff' }],
      warehouseIds: [wh.id],
      lastLogin: null,
    });
    expect(JSON.stringify(body)).not.toMatch(/argon2|Hash/);
    const got = await call('GET', `/api/v1/User/${body.id}`, adminAuth);
    expect(got.json()).toEqual(body);
    // The new user can sign in with the password they were given.
    expect((await items(basic(body.username, 'first password'))).statusCode).toBe(200);
  });

  it('lists with the paging shape and filters q, active, readOnly, kind', async () => {
    const a = (await newUser({ readOnly: true, active: false })).json();
    const all = await call('GET', '/api/v1/User?page=1&pageSize=2', adminAuth);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ page: 1, pageSize: 2, hasMore: true });
    expect(all.json().value).toHaveLength(2);
    expect(all.json().totalCount).toBeGreaterThanOrEqual(3);

    const byName = await call('GET', `/api/v1/User?q=${a.username.toUpperCase()}`, adminAuth);
    expect(byName.json().value.map((u: { id: number }) => u.id)).toEqual([a.id]);
    const inactive = await call('GET', '/api/v1/User?active=false&readOnly=true', adminAuth);
    expect(inactive.json().value.map((u: { id: number }) => u.id)).toContain(a.id);
    expect(inactive.json().value.every((u: { active: boolean; readOnly: boolean }) => !u.active && u.readOnly)).toBe(true);
    const integrations = await call('GET', '/api/v1/User?kind=integration', adminAuth);
    expect(integrations.json()).toMatchObject({ value: [], totalCount: 0 });
    expect((await call('GET', '/api/v1/User?kind=robot', adminAuth)).json().error.key).toBe('validation.failed');
    const sorted = (await call('GET', '/api/v1/User?sort=-username&pageSize=500', adminAuth)).json().value.map((u: { username: string }) => u.username);
    expect(sorted).toEqual([...sorted].sort().reverse());
    expect((await call('GET', '/api/v1/User?sort=password_hash', adminAuth)).json().error.fields).toHaveProperty('sort');
  });

  it('pages by cursor (after=next) through every user exactly once, in order, and names an unknown sort field', async () => {
    const store = await makeAccount(t, 'Paging store');
    const boss = await store.user({ superuser: true });
    for (let i = 0; i < 4; i++) await store.user({ group: 'staff' });
    const auth = `Token ${await personalToken(t, boss)}`;
    const names = (body: { value: { username: string }[] }) => body.value.map((u) => u.username);
    const all = (await call('GET', '/api/v1/User?sort=username&pageSize=500', auth)).json();
    expect(all.totalCount).toBe(5);
    expect(names(all)).toEqual([...names(all)].sort());
    const seen: string[] = [];
    let url = '/api/v1/User?sort=username&pageSize=2';
    let pages = 0;
    for (; pages < 10; pages++) {
      const p = (await call('GET', url, auth)).json();
      expect(p.value.length).toBeLessThanOrEqual(2);
      seen.push(...names(p));
      if (!p.next) break;
      url = `/api/v1/User?sort=username&pageSize=2&after=${p.next}`;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(names(all));
    // Without a sort, by id; newest first with -id.
    const first = (await call('GET', '/api/v1/User?sort=-id&pageSize=3', auth)).json();
    const rest = (await call('GET', `/api/v1/User?sort=-id&pageSize=3&after=${first.next}`, auth)).json();
    const ids = [...first.value, ...rest.value].map((u: { id: number }) => u.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(5);
    expect(rest).not.toHaveProperty('next');
    // A cursor continues only the walk it came from.
    expect((await call('GET', `/api/v1/User?sort=email&pageSize=2&after=${first.next}`, auth)).json().error.fields).toHaveProperty('after');
    const badSort = await call('GET', '/api/v1/User?sort=colour', auth);
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().error.key).toBe('validation.failed');
    expect(badSort.json().error.fields.sort[0]).toMatch(/colour/);
  });

  it('refuses a short password, a bad PIN and a duplicate username with field names', async () => {
    const short = await newUser({ password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.fields).toHaveProperty('password');
    const pin = await newUser({ pin: '12a4' });
    expect(pin.json().error.fields).toHaveProperty('pin');
    const dup = await call('POST', '/api/v1/User', adminAuth, { username: owner.username.toUpperCase(), email: `${unique('d')}@example.test` });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ key: 'conflict', fields: { username: ['must be unique'] } });
    const dupEmail = await call('POST', '/api/v1/User', adminAuth, { username: unique('e'), email: owner.email.toUpperCase() });
    expect(dupEmail.statusCode).toBe(409);
    expect(dupEmail.json().error).toMatchObject({ key: 'conflict', fields: { email: ['must be unique'] } });
  });

  it("another account's group or warehouse ids are a validation error naming the field", async () => {
    const foreignWh = await other.warehouse();
    const g = await newUser({ groupIds: [other.groups.owner.id] });
    expect(g.statusCode).toBe(400);
    expect(g.json().error).toMatchObject({ key: 'validation.failed', fields: { groupIds: [expect.stringContaining(String(other.groups.owner.id))] } });
    const w = await newUser({ warehouseIds: [foreignWh.id] });
    expect(w.statusCode).toBe(400);
    expect(w.json().error.fields).toHaveProperty('warehouseIds');
  });

  it("another account's users answer 404 to every verb", async () => {
    const stranger = await other.user();
    for (const [method, url, payload] of [
      ['GET', `/api/v1/User/${stranger.id}`],
      ['PATCH', `/api/v1/User/${stranger.id}`, { readOnly: true }],
      ['DELETE', `/api/v1/User/${stranger.id}`],
      ['POST', `/api/v1/User/${stranger.id}/password`, { password: 'hijacked password' }],
      ['POST', `/api/v1/User/${stranger.id}/disable`],
      ['PUT', `/api/v1/User/${stranger.id}/groups`, { groupIds: [] }],
    ] as const) {
      const res = await call(method, url, adminAuth, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.key).toBe('not_found');
    }
    expect((await items(basic(stranger.username, stranger.password))).statusCode).toBe(200);
    const list = await call('GET', '/api/v1/User?pageSize=500', adminAuth);
    expect(list.json().value.map((u: { id: number }) => u.id)).not.toContain(stranger.id);
  });
});

describe('users: changes reach cached credentials at once', () => {
  it('a new password: the old Basic password is refused on the very next request', async () => {
    const u = await acct.user({ group: 'staff' });
    const old = basic(u.username, u.password);
    expect((await items(old)).statusCode).toBe(200); // now in the verified-credential cache
    const res = await call('POST', `/api/v1/User/${u.id}/password`, adminAuth, { password: 'a brand new password' });
    expect(res.statusCode).toBe(200);
    expect(res.json().hasPassword).toBe(true);
    const again = await items(old);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.key).toBe('credentials.invalid');
    expect((await items(basic(u.username, 'a brand new password'))).statusCode).toBe(200);
  });

  it("disable: the user's personal token is refused with user.disabled at once; enable restores it", async () => {
    const u = await acct.user({ group: 'staff' });
    const token = `Token ${await personalToken(t, u)}`;
    expect((await items(token)).statusCode).toBe(200);
    const res = await call('POST', `/api/v1/User/${u.id}/disable`, adminAuth);
    expect(res.json().active).toBe(false);
    const refused = await items(token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.key).toBe('user.disabled');
    expect((await call('POST', `/api/v1/User/${u.id}/enable`, adminAuth)).json().active).toBe(true);
    expect((await items(token)).statusCode).toBe(200);
  });

  it('removing the last group: 403 permission.denied at once', async () => {
    const u = await acct.user({ group: 'staff' });
    const auth = basic(u.username, u.password);
    expect((await items(auth)).statusCode).toBe(200);
    const res = await call('PUT', `/api/v1/User/${u.id}/groups`, adminAuth, { groupIds: [] });
    expect(res.json().groups).toEqual([]);
    const denied = await items(auth);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.key).toBe('permission.denied');
  });

  it('read-only via PATCH: the next write is refused with user.read_only', async () => {
    const u = await acct.user({ group: 'staff' });
    const auth = `Token ${await personalToken(t, u)}`;
    const make = () => call('POST', '/api/v1/Item', auth, { shortID: unique('S') });
    expect((await make()).statusCode).toBe(201);
    expect((await call('PATCH', `/api/v1/User/${u.id}`, adminAuth, { readOnly: true })).json().readOnly).toBe(true);
    const refused = await make();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.key).toBe('user.read_only');
  });

  it('warehouses: assigning limits, and an empty list means all', async () => {
    const u = (await newUser()).json();
    const [w1, w2] = [await acct.warehouse(), await acct.warehouse()];
    const set = await call('PUT', `/api/v1/User/${u.id}/warehouses`, adminAuth, { warehouseIds: [w2.id, w1.id, w1.id] });
    expect(set.json().warehouseIds).toEqual([w1.id, w2.id].sort((a, b) => a - b));
    const state = await t.services.users.get(u.id);
    expect([...state!.warehouses!].sort()).toEqual([w1.id, w2.id].sort());
    expect((await call('PUT', `/api/v1/User/${u.id}/warehouses`, adminAuth, { warehouseIds: [] })).json().warehouseIds).toEqual([]);
    expect((await t.services.users.get(u.id))!.warehouses).toBeNull();
  });

  it('PIN: set, validated, removed', async () => {
    const u = (await newUser()).json();
    expect(u.hasPin).toBe(false);
    expect((await call('POST', `/api/v1/User/${u.id}/pin`, adminAuth, { pin: '123' })).json().error.fields).toHaveProperty('pin');
    expect((await call('POST', `/api/v1/User/${u.id}/pin`, adminAuth, { pin: '87654321' })).json().hasPin).toBe(true);
    expect((await call('DELETE', `/api/v1/User/${u.id}/pin`, adminAuth)).json().hasPin).toBe(false);
  });

  it('delete: the user and their credentials are gone; deleting oneself is refused', async () => {
    const u = await acct.user({ group: 'staff' });
    const token = `Token ${await personalToken(t, u)}`;
    expect((await items(token)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/User/${u.id}`, adminAuth)).statusCode).toBe(204);
    expect((await items(token)).statusCode).toBe(401);
    expect((await call('GET', `/api/v1/User/${u.id}`, adminAuth)).statusCode).toBe(404);
    const self = await call('DELETE', `/api/v1/User/${admin.id}`, adminAuth);
    expect(self.statusCode).toBe(409);
  });
});

describe('users: privilege escalation is refused', () => {
  let ownerAuth: string;
  beforeAll(async () => {
    ownerAuth = basic(owner.username, owner.password);
  });

  it('a non-superuser cannot create a superuser or make anyone one', async () => {
    const res = await newUser({ superuser: true }, ownerAuth);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
    const u = (await newUser({}, ownerAuth)).json();
    const patch = await call('PATCH', `/api/v1/User/${u.id}`, ownerAuth, { superuser: true });
    expect(patch.statusCode).toBe(403);
    expect((await t.services.users.get(u.id))!.superuser).toBe(false);
  });

  it('only a superuser may create a superuser', async () => {
    const res = await newUser({ superuser: true });
    expect(res.statusCode).toBe(201);
    expect(res.json().superuser).toBe(true);
  });

  it('a non-superuser cannot change a superuser (password, disable, delete)', async () => {
    for (const [method, url, payload] of [
      ['POST', `/api/v1/User/${admin.id}/password`, { password: 'taken over password' }],
      ['POST', `/api/v1/User/${admin.id}/disable`],
      ['DELETE', `/api/v1/User/${admin.id}`],
      ['PATCH', `/api/v1/User/${admin.id}`, { email: 'mine@example.test' }],
    ] as const) {
      const res = await call(method, url, ownerAuth, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.key).toBe('permission.denied');
    }
    expect((await items(adminAuth)).statusCode).toBe(200);
  });

  it('a user manager cannot add anyone (or themselves) to a group granting more than they hold', async () => {
    const hr = await acct.group(unique('hr'), { user: ['view', 'add', 'change'], item: ['view'] });
    const manager = await acct.user({ group: hr.id });
    const auth = basic(manager.username, manager.password);
    const target = (await newUser({ groupIds: [] })).json();
    const up = await call('PUT', `/api/v1/User/${target.id}/groups`, auth, { groupIds: [acct.groups.owner.id] });
    expect(up.statusCode).toBe(403);
    expect(up.json().error.key).toBe('permission.denied');
    const self = await call('PUT', `/api/v1/User/${manager.id}/groups`, auth, { groupIds: [hr.id, acct.groups.manager.id] });
    expect(self.statusCode).toBe(403);
    const create = await newUser({ groupIds: [acct.groups.owner.id] }, auth);
    expect(create.statusCode).toBe(403);
    // Within their own rights it works.
    const fine = await call('PUT', `/api/v1/User/${target.id}/groups`, auth, { groupIds: [hr.id] });
    expect(fine.statusCode).toBe(200);
    // And they cannot take over a user who holds more (the owner).
    const takeover = await call('POST', `/api/v1/User/${owner.id}/password`, auth, { password: 'taken over password' });
    expect(takeover.statusCode).toBe(403);
  });

  it('a warehouse-limited admin cannot widen a user to all warehouses', async () => {
    const wh = await acct.warehouse();
    const limited = await acct.user({ group: 'owner', warehouses: [wh.id] });
    const auth = basic(limited.username, limited.password);
    const target = (await newUser({ warehouseIds: [wh.id] })).json();
    const res = await call('PUT', `/api/v1/User/${target.id}/warehouses`, auth, { warehouseIds: [] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('warehouse.forbidden');
  });

  it('staff (no user permission) cannot list users; read-only admins cannot write', async () => {
    const staff = await acct.user({ group: 'staff' });
    const res = await call('GET', '/api/v1/User', basic(staff.username, staff.password));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
    const ro = await acct.user({ group: 'owner', readOnly: true });
    const write = await newUser({}, basic(ro.username, ro.password));
    expect(write.statusCode).toBe(403);
    expect(write.json().error.key).toBe('user.read_only');
  });
});

describe('POST /api/user/password/: a user changes their own password', () => {
  it('needs the current password, then the old Basic credential stops at once', async () => {
    const u = await acct.user({ group: 'staff' });
    const old = basic(u.username, u.password);
    expect((await items(old)).statusCode).toBe(200);
    const wrong = await call('POST', '/api/user/password/', old, { current_password: 'not it', new_password: 'my new password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields).toHaveProperty('current_password');
    const short = await call('POST', '/api/user/password/', old, { current_password: u.password, new_password: 'short' });
    expect(short.json().error.fields).toHaveProperty('new_password');
    const ok = await call('POST', '/api/user/password/', old, { current_password: u.password, new_password: 'my new password' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().detail).toMatch(/Password changed/);
    expect((await items(old)).statusCode).toBe(401);
    expect((await items(basic(u.username, 'my new password'))).statusCode).toBe(200);
  });

  it('a read-only user may change their own password', async () => {
    const u = await acct.user({ group: 'read-only', readOnly: true });
    const res = await call('POST', '/api/user/password/', `Token ${await personalToken(t, u)}`, {
      current_password: u.password,
      new_password: 'read only new pw',
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('integration users (the users OAuth client_credentials apps act as)', () => {
  it('appear in the list and take groups, warehouses and read-only through the same API, but no password', async () => {
    const { users } = await import('../../../src/db/schema/index.js');
    const username = unique('app');
    const [row] = await t.db
      .insert(users)
      .values({ accountId: acct.account.id, username, email: `${username}@integration.invalid`, kind: 'integration' })
      .returning();
    const list = await call('GET', '/api/v1/User?kind=integration', adminAuth);
    expect(list.json().value).toEqual([expect.objectContaining({ id: row!.id, kind: 'integration', hasPassword: false })]);
    const wh = await acct.warehouse();
    expect((await call('PUT', `/api/v1/User/${row!.id}/groups`, adminAuth, { groupIds: [acct.groups['read-only'].id] })).statusCode).toBe(200);
    expect((await call('PUT', `/api/v1/User/${row!.id}/warehouses`, adminAuth, { warehouseIds: [wh.id] })).json().warehouseIds).toEqual([wh.id]);
    expect((await call('PATCH', `/api/v1/User/${row!.id}`, adminAuth, { readOnly: true })).json().readOnly).toBe(true);
    const state = await t.services.users.get(row!.id);
    expect(state).toMatchObject({ kind: 'integration', readOnly: true, groups: [{ id: acct.groups['read-only'].id, name: 'read-only' }] });
    const pw = await call('POST', `/api/v1/User/${row!.id}/password`, adminAuth, { password: 'integration password' });
    expect(pw.statusCode).toBe(409);
    expect(pw.json().error.key).toBe('conflict');
  });
});
