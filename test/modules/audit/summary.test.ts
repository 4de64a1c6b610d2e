import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { apiKeys, personalTokens } from '../../../src/db/schema/index.js';
import { apiKey, makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { createApp } from '../../helpers/oauth.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let other: Awaited<ReturnType<typeof makeAccount>>;
let admin: TestUser;
let clerk: TestUser;
let otherAdmin: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t, 'Summary store');
  other = await makeAccount(t, 'Other store');
  admin = await acct.user({ group: 'owner' });
  clerk = await acct.user({ group: 'staff' });
  otherAdmin = await other.user({ group: 'owner' });
});
afterAll(() => t.close());

const get = (url: string, authorization: string) => request(t, { method: 'GET', url, auth: authorization });
const sum = (rows: Record<string, unknown>[], key: string) => rows.reduce((n, r) => n + Number(r[key] ?? 0), 0);

describe('GET /api/v1/AuditLog/Summary', () => {
  it('counts requests per hour by credential kind and refusals by status, for the caller’s account only', async () => {
    const token = await personalToken(t, clerk);
    const key = await apiKey(t, clerk);
    for (let i = 0; i < 3; i++) await get('/api/v1/Item', `Token ${token}`);
    await get('/api/v1/User', `token ${key.apiKey}:${key.apiSecret}`); // 403: staff may not view users
    await get('/api/user/me/', basic(clerk.username, 'wrong password')); // 401: login.failed
    await get('/api/v1/Item', basic(otherAdmin.username, otherAdmin.password)); // another account
    await t.services.audit.flush();

    const res = await get('/api/v1/AuditLog/Summary', basic(admin.username, admin.password));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.bucket).toBe('hour');
    expect(body.requests).toHaveLength(25); // the last 24 hours, by the hour, partial first bucket included
    expect(Object.keys(body.requests[0]).sort()).toEqual(['apikey', 'at', 'oauth', 'password', 'session', 'token']);
    expect(sum(body.requests, 'token')).toBe(3);
    expect(sum(body.requests, 'apikey')).toBe(1);
    // The admin's own request for this summary is written after it answers; the other account's never counts.
    expect(sum(body.requests, 'password')).toBe(0);
    expect(sum(body.refusals, '403')).toBe(1);
    expect(sum(body.refusals, '401')).toBe(1);
    expect(body.busiestCredentials[0]).toEqual({ kind: 'token', id: expect.any(Number), userId: clerk.id, username: clerk.username, requests: 3 });
    expect(body.busiestCredentials.map((c: { username: string }) => c.username)).not.toContain(otherAdmin.username);
  });

  it('names the busiest OAuth apps', async () => {
    const app = await createApp(t, admin, { name: 'Busy shop', grant_types: ['client_credentials'] });
    const tok = await request(t, {
      method: 'POST',
      url: '/api/v1/Token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${app.client_id}&client_secret=${app.client_secret}`,
    });
    expect(tok.statusCode).toBe(200);
    for (let i = 0; i < 2; i++) await get('/api/v1/Item', `Bearer ${tok.json().access_token}`);
    await t.services.audit.flush();
    const body = (await get('/api/v1/AuditLog/Summary', basic(admin.username, admin.password))).json();
    expect(body.busiestApps).toEqual([{ clientId: app.client_id, name: 'Busy shop', requests: 2 }]);
    expect(sum(body.requests, 'oauth')).toBe(2);
  });

  it('lists tokens expiring soon and credentials unused for 90 days', async () => {
    const soon = await personalToken(t, clerk, 'expires-tomorrow', new Date(Date.now() + 86_400_000));
    expect(soon).toBeTruthy();
    await personalToken(t, clerk, 'expires-next-year', new Date(Date.now() + 365 * 86_400_000));
    await personalToken(t, clerk, 'forgotten');
    const key = await apiKey(t, admin);
    const longAgo = new Date(Date.now() - 120 * 86_400_000);
    await t.db.update(personalTokens).set({ createdAt: longAgo }).where(eq(personalTokens.name, 'forgotten'));
    await t.db.update(apiKeys).set({ createdAt: longAgo, lastUsedAt: longAgo }).where(eq(apiKeys.apiKey, key.apiKey));

    const body = (await get('/api/v1/AuditLog/Summary', basic(admin.username, admin.password))).json();
    const expiring = body.expiringSoon.map((e: { name: string }) => e.name);
    expect(expiring).toContain('expires-tomorrow');
    expect(expiring).not.toContain('expires-next-year');
    expect(body.unused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'token', name: 'forgotten', username: clerk.username, lastUsed: null }),
        expect.objectContaining({ kind: 'apikey', name: key.apiKey, username: admin.username, lastUsed: longAgo.toISOString() }),
      ]),
    );
    expect(body.unused.map((u: { name: string }) => u.name)).not.toContain('expires-tomorrow');
  });

  it('buckets by day over a chosen range', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 7 * 86_400_000);
    const body = (
      await get(`/api/v1/AuditLog/Summary?bucket=day&from=${from.toISOString()}&to=${to.toISOString()}`, basic(admin.username, admin.password))
    ).json();
    expect(body.bucket).toBe('day');
    expect(body.requests.length).toBeGreaterThanOrEqual(7);
    expect(body.requests.length).toBeLessThanOrEqual(8);
    expect(body.requests.at(-1).at).toBe(`${to.toISOString().slice(0, 10)}T00:00:00.000Z`);
    expect(sum(body.requests, 'token')).toBeGreaterThanOrEqual(3);
  });
});

describe('GET /api/v1/AuditLog/Summary refuses what it should', () => {
  it('needs the same permission as the audit log (view on user)', async () => {
    const res = await get('/api/v1/AuditLog/Summary', basic(clerk.username, clerk.password));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
  });

  it('another account’s admin sees none of this account’s traffic or credentials', async () => {
    const body = (await get('/api/v1/AuditLog/Summary', basic(otherAdmin.username, otherAdmin.password))).json();
    expect(sum(body.requests, 'token')).toBe(0);
    expect(sum(body.requests, 'apikey')).toBe(0);
    expect(body.busiestApps).toEqual([]);
    expect(body.expiringSoon).toEqual([]);
    expect(body.unused).toEqual([]);
  });

  it('answers 400, not 500, for ranges that are backwards, too long or malformed', async () => {
    const auth = basic(admin.username, admin.password);
    const cases = [
      '/api/v1/AuditLog/Summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '/api/v1/AuditLog/Summary?from=2000-01-01T00:00:00Z&bucket=hour',
      '/api/v1/AuditLog/Summary?from=yesterday',
      '/api/v1/AuditLog/Summary?bucket=minute',
      "/api/v1/AuditLog/Summary?bucket=hour');drop table users;--",
      '/api/v1/AuditLog/Summary?extra=1',
    ];
    for (const url of cases) {
      const res = await get(url, auth);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.key, url).toBe('validation.failed');
    }
  });
});
