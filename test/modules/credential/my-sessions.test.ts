import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { createApp } from '../../helpers/oauth.js';
import { basic, consoleLogin as login, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let owner: TestUser;
let reader: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t, 'Sessions store');
  owner = await acct.user({ group: 'owner' });
  reader = await acct.user({ group: 'staff', readOnly: true });
  stranger = await acct.user({ group: 'owner' });
});
afterAll(() => t.close());

/** A console login: the session cookie and its CSRF token. */
const consoleLogin = (u: TestUser, userAgent?: string) => login(t, u, userAgent);

describe('GET /api/user/sessions/ and DELETE /api/user/sessions/{id}: my live sessions', () => {
  it('lists my sessions, marks the one in use, and ends another one', async () => {
    const laptop = await consoleLogin(owner, 'laptop');
    const phone = await consoleLogin(owner, 'phone');
    const res = await request(t, { method: 'GET', url: '/api/user/sessions/', headers: { cookie: laptop.cookie } });
    expect(res.statusCode).toBe(200);
    const list = res.json<{ id: number; userAgent: string; current: boolean; kind: string }[]>();
    expect(list.map((s) => [s.userAgent, s.current, s.kind])).toEqual([
      ['phone', false, 'cookie'],
      ['laptop', true, 'cookie'],
    ]);
    const phoneId = list.find((s) => s.userAgent === 'phone')!.id;

    const end = await request(t, { method: 'DELETE', url: `/api/user/sessions/${phoneId}`, headers: { cookie: laptop.cookie, 'x-csrf-token': laptop.csrf } });
    expect(end.statusCode).toBe(204);
    const phoneNow = await request(t, { method: 'GET', url: '/api/user/me/', headers: { cookie: phone.cookie } });
    expect(phoneNow.statusCode).toBe(401);
    expect(phoneNow.json().error.key).toBe('token.invalid');
    const laptopNow = await request(t, { method: 'GET', url: '/api/user/sessions/', headers: { cookie: laptop.cookie } });
    expect(laptopNow.json().map((s: { userAgent: string }) => s.userAgent)).toEqual(['laptop']);
  });

  it('a read-only user may see and end their own sessions', async () => {
    const a = await consoleLogin(reader, 'one');
    const b = await consoleLogin(reader, 'two');
    const list = (await request(t, { method: 'GET', url: '/api/user/sessions/', headers: { cookie: a.cookie } })).json();
    const other = list.find((s: { userAgent: string }) => s.userAgent === 'two');
    const end = await request(t, { method: 'DELETE', url: `/api/user/sessions/${other.id}`, headers: { cookie: a.cookie, 'x-csrf-token': a.csrf } });
    expect(end.statusCode).toBe(204);
    expect((await request(t, { method: 'GET', url: '/api/user/me/', headers: { cookie: b.cookie } })).statusCode).toBe(401);
  });
});

describe('my sessions: attacks', () => {
  it("another user's session id is not found and stays alive, even for an owner of the same account", async () => {
    const victim = await consoleLogin(stranger, 'victim');
    const victimId = (await request(t, { method: 'GET', url: '/api/user/sessions/', headers: { cookie: victim.cookie } })).json()[0].id;
    const res = await request(t, {
      method: 'DELETE',
      url: `/api/user/sessions/${victimId}`,
      auth: basic(owner.username, owner.password),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.key).toBe('not_found');
    expect((await request(t, { method: 'GET', url: '/api/user/me/', headers: { cookie: victim.cookie } })).statusCode).toBe(200);
    const mine = (await request(t, { method: 'GET', url: '/api/user/sessions/', auth: basic(owner.username, owner.password) })).json();
    expect(mine.map((s: { id: number }) => s.id)).not.toContain(victimId);
  });

  it('ending a session with the cookie needs the CSRF token', async () => {
    const a = await consoleLogin(owner, 'csrf-a');
    const b = await consoleLogin(owner, 'csrf-b');
    const list = (await request(t, { method: 'GET', url: '/api/user/sessions/', headers: { cookie: a.cookie } })).json();
    const bId = list.find((s: { userAgent: string }) => s.userAgent === 'csrf-b').id;
    const res = await request(t, { method: 'DELETE', url: `/api/user/sessions/${bId}`, headers: { cookie: a.cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('csrf.failed');
    expect((await request(t, { method: 'GET', url: '/api/user/me/', headers: { cookie: b.cookie } })).statusCode).toBe(200);
  });

  it('an OAuth token cannot list or end sessions', async () => {
    const app = await createApp(t, owner, { name: 'Narrow', grant_types: ['refresh_token'] });
    const issued = await request(t, {
      method: 'POST',
      url: `/api/v1/App/${app.id}/Token`,
      auth: basic(owner.username, owner.password),
      payload: { name: 'n', scope: 'products:read' },
    });
    const bearer = `Bearer ${issued.json().access_token}`;
    const res = await request(t, { method: 'GET', url: '/api/user/sessions/', auth: bearer });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('scope.wrong');
  });
});

describe('GET /api/user/scopes/: what I may put on a token, in words', () => {
  it('an owner gets every canonical scope, described', async () => {
    const res = await request(t, { method: 'GET', url: '/api/user/scopes/', auth: basic(owner.username, owner.password) });
    expect(res.statusCode).toBe(200);
    const list = res.json<{ scope: string; description: string }[]>();
    expect(list).toContainEqual({ scope: 'products:read', description: 'Read products' });
    expect(list).toContainEqual({ scope: 'orders:create', description: 'Create orders' });
    expect(list.map((s) => s.scope)).toContain('openid');
  });

  it('a read-only user is offered read scopes only', async () => {
    const list = (await request(t, { method: 'GET', url: '/api/user/scopes/', auth: basic(reader.username, reader.password) })).json<{ scope: string }[]>();
    const canonical = list.map((s) => s.scope).filter((s) => s.includes(':'));
    expect(canonical.length).toBeGreaterThan(0);
    expect(canonical.every((s) => s.endsWith(':read'))).toBe(true);
  });

  it('a narrow credential is offered no more than its own scope', async () => {
    const token = await personalToken(t, owner);
    expect((await request(t, { method: 'GET', url: '/api/user/scopes/', auth: `Token ${token}` })).statusCode).toBe(200);
    const app = await createApp(t, owner, { name: 'Narrow2', grant_types: ['refresh_token'] });
    const issued = await request(t, {
      method: 'POST',
      url: `/api/v1/App/${app.id}/Token`,
      auth: basic(owner.username, owner.password),
      payload: { name: 'n', scope: 'products:read orders:read' },
    });
    const list = (await request(t, { method: 'GET', url: '/api/user/scopes/', auth: `Bearer ${issued.json().access_token}` })).json<{ scope: string }[]>();
    expect(
      list
        .map((s) => s.scope)
        .filter((s) => s.includes(':'))
        .sort(),
    ).toEqual(['orders:read', 'products:read']);
  });
});
