import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t);
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, user: TestUser, payload?: unknown, password = user.password) =>
  request(t, { method, url, auth: basic(user.username, password), ...(payload !== undefined ? { payload: payload as object } : {}) });

const me = async (u: TestUser, password = u.password) => (await call('GET', '/api/user/me/', u, undefined, password)).json();

describe('nobody locks themselves out through the admin API', () => {
  it('an admin cannot make themselves read-only (409), and can still write afterwards', async () => {
    const owner = await acct.user({ group: 'owner' });
    for (const method of ['PATCH', 'PUT'] as const) {
      const res = await call(method, `/api/v1/User/${owner.id}`, owner, { readOnly: true });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ key: 'conflict', fields: { readOnly: ['cannot be set on yourself'] } });
    }
    expect((await me(owner)).readOnly).toBe(false);
    // Setting the value one already has is not a lockout.
    expect((await call('PATCH', `/api/v1/User/${owner.id}`, owner, { readOnly: false })).statusCode).toBe(200);
  });

  it('a superuser cannot drop their own superuser flag', async () => {
    const su = await acct.user({ superuser: true, group: null });
    const res = await call('PATCH', `/api/v1/User/${su.id}`, su, { superuser: false });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ key: 'conflict', fields: { superuser: ['cannot be removed from yourself'] } });
    expect((await me(su)).superuser).toBe(true);
  });

  it('an admin cannot take away their own right to change users through their groups', async () => {
    const owner = await acct.user({ group: 'owner' });
    const viaPut = await call('PUT', `/api/v1/User/${owner.id}/groups`, owner, { groupIds: [acct.groups.manager.id] });
    expect(viaPut.statusCode).toBe(409);
    expect(viaPut.json().error).toMatchObject({ key: 'conflict', fields: { groupIds: expect.any(Array) } });
    const viaPatch = await call('PATCH', `/api/v1/User/${owner.id}`, owner, { groupIds: [] });
    expect(viaPatch.statusCode).toBe(409);
    expect((await me(owner)).groups.map((g: { id: number }) => g.id)).toEqual([acct.groups.owner.id]);
    // Keeping a group that still grants it is fine.
    const keep = await call('PUT', `/api/v1/User/${owner.id}/groups`, owner, { groupIds: [acct.groups.owner.id, acct.groups.staff.id] });
    expect(keep.statusCode).toBe(200);
    expect(keep.json().groups.map((g: { id: number }) => g.id)).toEqual([acct.groups.owner.id, acct.groups.staff.id]);
  });

  it('an admin cannot strip the user permission from, or delete, the only group that gives it to them', async () => {
    const admins = await acct.group('user-admins', { user: ['view', 'add', 'change', 'delete'] });
    const u = await acct.user({ group: admins.id });
    const strip = await call('PATCH', `/api/v1/Group/${admins.id}`, u, { permissions: { user: ['view'] } });
    expect(strip.statusCode).toBe(409);
    expect(strip.json().error.key).toBe('conflict');
    const del = await call('DELETE', `/api/v1/Group/${admins.id}`, u);
    expect(del.statusCode).toBe(409);
    expect((await call('GET', `/api/v1/Group/${admins.id}`, u)).json().permissions.user).toEqual(['view', 'add', 'change', 'delete']);
    // Renaming it, or keeping "change", is fine.
    expect((await call('PATCH', `/api/v1/Group/${admins.id}`, u, { name: 'people', permissions: { user: ['view', 'change'] } })).statusCode).toBe(200);
  });

  it('a superuser may change their own groups freely: superuser status grants everything anyway', async () => {
    const su = await acct.user({ superuser: true, group: 'owner' });
    const res = await call('PUT', `/api/v1/User/${su.id}/groups`, su, { groupIds: [] });
    expect(res.statusCode).toBe(200);
    expect(res.json().groups).toEqual([]);
  });

  it('another admin can do all of it to them', async () => {
    const su = await acct.user({ superuser: true });
    const target = await acct.user({ superuser: true, group: 'owner' });
    const res = await call('PATCH', `/api/v1/User/${target.id}`, su, { readOnly: true, superuser: false, groupIds: [acct.groups.staff.id] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ readOnly: true, superuser: false, groups: [{ id: acct.groups.staff.id }] });
    const owner = await acct.user({ group: 'owner' });
    const staffer = await acct.user({ group: 'owner' });
    const groups = await call('PUT', `/api/v1/User/${staffer.id}/groups`, owner, { groupIds: [acct.groups.manager.id] });
    expect(groups.statusCode).toBe(200);
  });
});

describe('changing one’s own password always needs the current one', () => {
  it('the admin password route on one’s own id asks for current_password', async () => {
    const owner = await acct.user({ group: 'owner' });
    const missing = await call('POST', `/api/v1/User/${owner.id}/password`, owner, { password: 'a brand new password' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ key: 'validation.failed', fields: { current_password: ['is required to change your own password'] } });
    const wrong = await call('POST', `/api/v1/User/${owner.id}/password`, owner, { password: 'a brand new password', current_password: 'not my password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields).toEqual({ current_password: ['is not your current password'] });
    // Neither changed anything: the old password still works, the new one does not.
    expect((await call('GET', '/api/user/me/', owner)).statusCode).toBe(200);
    expect((await call('GET', '/api/user/me/', owner, undefined, 'a brand new password')).statusCode).toBe(401);
    const ok = await call('POST', `/api/v1/User/${owner.id}/password`, owner, { password: 'a brand new password', current_password: owner.password });
    expect(ok.statusCode).toBe(200);
    expect((await call('GET', '/api/user/me/', owner, undefined, 'a brand new password')).statusCode).toBe(200);
  });

  it('PATCH with a password on one’s own id asks for current_password too', async () => {
    const owner = await acct.user({ group: 'owner' });
    const missing = await call('PATCH', `/api/v1/User/${owner.id}`, owner, { password: 'another new password' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields).toHaveProperty('current_password');
    const ok = await call('PATCH', `/api/v1/User/${owner.id}`, owner, { password: 'another new password', current_password: owner.password });
    expect(ok.statusCode).toBe(200);
    expect((await call('GET', '/api/user/me/', owner, undefined, 'another new password')).statusCode).toBe(200);
  });

  it('guessing the current password through the admin route is counted by the lockout', async () => {
    const owner = await acct.user({ group: 'owner' });
    for (let i = 0; i < 5; i++) {
      const res = await call('POST', `/api/v1/User/${owner.id}/password`, owner, { password: 'a brand new password', current_password: `guess ${i}` });
      expect(res.statusCode).toBe(400);
    }
    const locked = await call('POST', `/api/v1/User/${owner.id}/password`, owner, { password: 'a brand new password', current_password: owner.password });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.key).toBe('rate_limited');
  });

  it('an admin still sets another user’s password without knowing it', async () => {
    const owner = await acct.user({ group: 'owner' });
    const staffer = await acct.user({ group: 'staff' });
    const res = await call('POST', `/api/v1/User/${staffer.id}/password`, owner, { password: 'set by the admin' });
    expect(res.statusCode).toBe(200);
    expect((await call('GET', '/api/user/me/', staffer, undefined, 'set by the admin')).statusCode).toBe(200);
  });
});
