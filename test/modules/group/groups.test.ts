import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, personalToken, startTestApp, type TestApp, type TestUser, unique } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let other: Awaited<ReturnType<typeof makeAccount>>;
let admin: TestUser;
let adminAuth: string;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t);
  other = await makeAccount(t, 'Other store');
  admin = await acct.user({ superuser: true });
  adminAuth = `Token ${await personalToken(t, admin)}`;
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, authorization: string, payload?: unknown) =>
  request(t, { method, url, auth: authorization, ...(payload !== undefined ? { payload: payload as object } : {}) });

describe('groups: CRUD', () => {
  it('lists the built-in groups with their permissions and member counts', async () => {
    const res = await call('GET', '/api/v1/Group?page=1&pageSize=10', adminAuth);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ totalCount: 4, page: 1, pageSize: 10, pageCount: 1, hasMore: false });
    const owner = body.value.find((g: { builtin: string }) => g.builtin === 'owner');
    expect(owner).toMatchObject({ name: 'owner', members: 1, permissions: { item: ['view', 'add', 'change', 'delete'] } });
    const staff = body.value.find((g: { builtin: string }) => g.builtin === 'staff');
    expect(staff.permissions.user).toEqual([]);
  });

  it('pages by cursor (after=next) through every group exactly once, by id, and names an unknown sort field', async () => {
    const store = await makeAccount(t, 'Paging store');
    const boss = await store.user({ superuser: true });
    for (const name of ['pickers', 'packers', 'drivers']) await store.group(name, { item: ['view'] });
    const auth = `Token ${await personalToken(t, boss)}`;
    const all = (await call('GET', '/api/v1/Group?pageSize=500', auth)).json();
    expect(all.totalCount).toBe(7);
    const allIds = all.value.map((g: { id: number }) => g.id);
    expect(allIds).toEqual([...allIds].sort((a, b) => a - b));
    const seen: number[] = [];
    let url = '/api/v1/Group?pageSize=3';
    let pages = 0;
    for (; pages < 10; pages++) {
      const p = (await call('GET', url, auth)).json();
      expect(p.value.length).toBeLessThanOrEqual(3);
      seen.push(...p.value.map((g: { id: number }) => g.id));
      if (!p.next) break;
      url = `/api/v1/Group?pageSize=3&after=${p.next}`;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(allIds);
    expect((await call('GET', '/api/v1/Group?after=garbage', auth)).json().error.fields).toHaveProperty('after');
    const badSort = await call('GET', '/api/v1/Group?sort=colour', auth);
    expect(badSort.statusCode).toBe(400);
    expect(badSort.json().error.key).toBe('validation.failed');
    expect(badSort.json().error.fields.sort[0]).toMatch(/colour/);
    expect(badSort.json().error.fields.sort[0]).toMatch(/sortable: id, name/);
    // By name, descending (in the database's collation): walked by cursor, the same order as one page, every group once.
    const names = (await call('GET', '/api/v1/Group?pageSize=500&sort=-name', auth)).json().value.map((g: { name: string }) => g.name);
    expect([...names].sort()).toEqual(all.value.map((g: { name: string }) => g.name).sort());
    expect(names).not.toEqual(all.value.map((g: { name: string }) => g.name));
    const byName: string[] = [];
    url = '/api/v1/Group?pageSize=4&sort=-name';
    for (let i = 0; i < 5; i++) {
      const p = (await call('GET', url, auth)).json();
      byName.push(...p.value.map((g: { name: string }) => g.name));
      if (!p.next) break;
      url = `/api/v1/Group?pageSize=4&sort=-name&after=${p.next}`;
    }
    expect(byName).toEqual(names);
  });

  it('creates, reads, renames and deletes a group, normalising actions and reports', async () => {
    const name = unique('pickers');
    const res = await call('POST', '/api/v1/Group', adminAuth, {
      name,
      permissions: { stock: ['change', 'view'], item: ['view'] },
      reports: ['low-stock', 'stock-levels'],
    });
    expect(res.statusCode).toBe(201);
    const g = res.json();
    expect(g).toMatchObject({ name, builtin: null, members: 0, reports: ['stock-levels', 'low-stock'] });
    expect(g.permissions).toMatchObject({ stock: ['view', 'change'], item: ['view'], order: [] });
    expect((await call('GET', `/api/v1/Group/${g.id}`, adminAuth)).json()).toEqual(g);
    const renamed = await call('PATCH', `/api/v1/Group/${g.id}`, adminAuth, { name: `${name}-2` });
    expect(renamed.json().name).toBe(`${name}-2`);
    expect((await call('DELETE', `/api/v1/Group/${g.id}`, adminAuth)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/Group/${g.id}`, adminAuth)).statusCode).toBe(404);
  });

  it('validates rulesets, actions and report names, naming the field', async () => {
    const res = await call('POST', '/api/v1/Group', adminAuth, {
      name: unique('bad'),
      permissions: { item: ['view', 'fly'], spaceship: ['view'] },
      reports: ['payroll'],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.key).toBe('validation.failed');
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['permissions.item', 'permissions.spaceship', 'reports']);
  });

  it('a name is unique per account (case-insensitive), but another account may use it', async () => {
    const dup = await call('POST', '/api/v1/Group', adminAuth, { name: 'OWNER' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ key: 'conflict', fields: { name: ['must be unique'] } });
  });

  it('built-in groups cannot be deleted', async () => {
    const res = await call('DELETE', `/api/v1/Group/${acct.groups['read-only'].id}`, adminAuth);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.key).toBe('conflict');
  });

  it("another account's groups answer 404 and do not show in the list", async () => {
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'mine now' }], ['DELETE']] as const) {
      const res = await call(method, `/api/v1/Group/${other.groups.staff.id}`, adminAuth, payload);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.key).toBe('not_found');
    }
    const list = await call('GET', '/api/v1/Group?pageSize=500', adminAuth);
    expect(list.json().value.map((g: { id: number }) => g.id)).not.toContain(other.groups.staff.id);
  });
});

describe('groups: a change reaches members at once', () => {
  it('taking item view away from a group: its member gets 403 on the next request; giving it back restores', async () => {
    const g = await acct.group(unique('viewers'), { item: ['view'] });
    const u = await acct.user({ group: g.id });
    const auth = basic(u.username, u.password);
    const items = () => call('GET', '/api/v1/Item', auth);
    expect((await items()).statusCode).toBe(200);
    await call('PUT', `/api/v1/Group/${g.id}`, adminAuth, { permissions: { item: [] } });
    const denied = await items();
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.key).toBe('permission.denied');
    await call('PUT', `/api/v1/Group/${g.id}`, adminAuth, { permissions: { item: ['view'] } });
    expect((await items()).statusCode).toBe(200);
  });
});

describe('groups: privilege escalation is refused', () => {
  it('a user manager cannot create or widen a group beyond their own rights', async () => {
    const hr = await acct.group(unique('hr'), { user: ['view', 'add', 'change'] });
    const manager = await acct.user({ group: hr.id });
    const auth = basic(manager.username, manager.password);
    const create = await call('POST', '/api/v1/Group', auth, { name: unique('all'), permissions: { item: ['delete'] } });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.key).toBe('permission.denied');
    const widen = await call('PATCH', `/api/v1/Group/${hr.id}`, auth, { permissions: { user: ['view', 'add', 'change', 'delete'] } });
    expect(widen.statusCode).toBe(403);
    const reports = await call('POST', '/api/v1/Group', auth, { name: unique('r'), reports: ['stock-valuation'] });
    expect(reports.statusCode).toBe(403);
    const fine = await call('POST', '/api/v1/Group', auth, { name: unique('ok'), permissions: { user: ['view'] } });
    expect(fine.statusCode).toBe(201); // within their own rights
  });

  it('managers (user: view only) can read groups but not write them', async () => {
    const m = await acct.user({ group: 'manager' });
    const auth = basic(m.username, m.password);
    expect((await call('GET', '/api/v1/Group', auth)).statusCode).toBe(200);
    const res = await call('POST', '/api/v1/Group', auth, { name: unique('x') });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
  });
});
