import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let other: Awaited<ReturnType<typeof makeAccount>>;
let admin: TestUser;
let adminAuth: string;
let clerk: TestUser;
let otherAdmin: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t);
  other = await makeAccount(t, 'Other store');
  admin = await acct.user({ group: 'owner' });
  clerk = await acct.user({ group: 'staff' });
  otherAdmin = await other.user({ group: 'owner' });
  adminAuth = basic(admin.username, admin.password);
});
afterAll(() => t.close());

const get = (url: string, authorization: string) => request(t, { method: 'GET', url, auth: authorization });

describe('GET /api/v1/AuditLog', () => {
  it('records each credentialed request with user, credential kind and id, method, path, status and ip', async () => {
    const token = await personalToken(t, clerk);
    const key = await apiKey(t, clerk);
    await get('/api/v1/Item?page=1&pageSize=3', `Token ${token}`);
    await get('/api/v1/User', `token ${key.apiKey}:${key.apiSecret}`); // 403: staff has no user rights
    await t.services.audit.flush();

    const res = await get(`/api/v1/AuditLog?userId=${clerk.id}`, adminAuth);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ totalCount: 2, page: 1, hasMore: false });
    const [newest, oldest] = body.value;
    expect(newest).toMatchObject({
      event: 'request',
      userId: clerk.id,
      username: clerk.username,
      credentialKind: 'apikey',
      method: 'GET',
      path: '/api/v1/User',
      status: 403,
      ip: '127.0.0.1',
    });
    expect(newest.credentialId).toEqual(expect.any(Number));
    expect(oldest).toMatchObject({ credentialKind: 'token', path: '/api/v1/Item?page=1&pageSize=3', status: 200, ip: '127.0.0.1' });
    expect(new Date(newest.at).getTime()).toBeGreaterThanOrEqual(new Date(oldest.at).getTime());
    expect(JSON.stringify(body)).not.toContain(token);
    expect(JSON.stringify(body)).not.toContain(key.apiSecret);
  });

  it('filters by event, credential kind, method, status and time', async () => {
    await get('/api/v1/Item', basic(clerk.username, 'wrong password'));
    await t.services.audit.flush();
    const failed = await get('/api/v1/AuditLog?event=login.failed', adminAuth);
    expect(failed.json().value[0]).toMatchObject({ event: 'login.failed', userId: clerk.id });
    const forbidden = await get('/api/v1/AuditLog?status=403&credentialKind=apikey&method=get', adminAuth);
    expect(forbidden.json().value.length).toBeGreaterThan(0);
    expect(forbidden.json().value.every((e: { status: number; credentialKind: string }) => e.status === 403 && e.credentialKind === 'apikey')).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await get(`/api/v1/AuditLog?from=${encodeURIComponent(future)}`, adminAuth)).json().totalCount).toBe(0);
    expect((await get(`/api/v1/AuditLog?to=${encodeURIComponent(future)}`, adminAuth)).json().totalCount).toBeGreaterThan(0);
    const bad = await get('/api/v1/AuditLog?from=yesterday', adminAuth);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('from');
  });

  it("shows only the caller's account", async () => {
    const otherAuth = basic(otherAdmin.username, otherAdmin.password);
    await get('/api/v1/Item', otherAuth);
    await t.services.audit.flush();
    const mine = await get('/api/v1/AuditLog?pageSize=500', adminAuth);
    expect(mine.json().value.some((e: { userId: number }) => e.userId === otherAdmin.id)).toBe(false);
    const theirs = await get('/api/v1/AuditLog?pageSize=500', otherAuth);
    const users = new Set(theirs.json().value.map((e: { userId: number }) => e.userId));
    expect([...users]).toEqual([otherAdmin.id]);
    // Asking for another account's user by id answers nothing rather than their history.
    expect((await get(`/api/v1/AuditLog?userId=${otherAdmin.id}`, adminAuth)).json().totalCount).toBe(0);
  });

  it('administrative changes are events of their own, naming who did what to whom (never the secret)', async () => {
    const target = await acct.user({ group: 'staff' });
    const post = (url: string, payload?: object) => request(t, { method: 'POST', url, auth: adminAuth, ...(payload ? { payload } : {}) });
    expect((await post(`/api/v1/User/${target.id}/password`, { password: 'secret new password' })).statusCode).toBe(200);
    expect((await post(`/api/v1/User/${target.id}/disable`)).statusCode).toBe(200);
    expect((await post('/api/v1/Group', { name: 'auditors', permissions: { report: ['view'] } })).statusCode).toBe(201);
    await t.services.audit.flush();
    const res = await get(`/api/v1/AuditLog?userId=${admin.id}&credentialKind=password&pageSize=500`, adminAuth);
    const events = res.json().value.filter((e: { event: string }) => e.event !== 'request');
    expect(events.map((e: { event: string }) => e.event)).toEqual(['group.created', 'user.disabled', 'user.password_set']);
    expect(events[1]).toMatchObject({
      userId: admin.id,
      credentialKind: 'password',
      ip: '127.0.0.1',
      detail: { targetUserId: target.id, targetUsername: target.username },
    });
    expect(events[0].detail).toMatchObject({ name: 'auditors', permissions: { report: ['view'] } });
    expect(res.body).not.toContain('secret new password');
    const byEvent = await get('/api/v1/AuditLog?event=user.disabled', adminAuth);
    expect(byEvent.json().totalCount).toBe(1);
  });

  it('needs user:view (staff are refused)', async () => {
    const res = await get('/api/v1/AuditLog', basic(clerk.username, clerk.password));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
  });
});
