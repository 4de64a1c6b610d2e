import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, users } from '../../../src/db/schema/index.js';
import { hashPassword } from '../../../src/auth/passwords.js';
import { makeAccount, PASSWORD, setUser, startTestApp, type TestApp, type TestUser, unique } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let plain: TestUser;
let withPin: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t, 'Login store');
  plain = await acct.user();
  withPin = await acct.user({ pin: '2468' });
});
afterAll(() => t.close());

const login = (payload: object, query = '') => request(t, { method: 'POST', url: `/api/auth/login${query}`, payload });
const pin = (payload: object, query = '') => request(t, { method: 'POST', url: `/api/auth/pin${query}`, payload });
const me = (headers: Record<string, string>) => request(t, { method: 'GET', url: '/api/user/me/', headers });

async function events(userId: number, event: string) {
  await t.services.audit.flush();
  return t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.userId, userId), eq(auditLog.event, event)));
}

describe('POST /api/auth/login without a PIN: a console session', () => {
  it('sets qm_session (HttpOnly; Secure; SameSite=Strict; Path=/) and answers the user and a CSRF token', async () => {
    const res = await login({ username: plain.username, password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      user: expect.objectContaining({ id: plain.id, username: plain.username, email: plain.email, account: { id: acct.account.id, name: 'Login store' } }),
      csrf_token: expect.any(String),
    });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^qm_session=qm_ses_[0-9A-Za-z]{38};/);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) expect(setCookie).toContain(attr);
    expect(res.body).not.toContain(res.cookies[0]!.value); // the session secret is only in the cookie

    const cookie = `qm_session=${res.cookies[0]!.value}`;
    const who = await me({ cookie });
    expect(who.statusCode).toBe(200);
    expect(who.json().credential).toEqual({ kind: 'session', id: expect.any(Number) });

    const session = await request(t, { method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect(session.json()).toEqual({ user: body.user, csrf_token: body.csrf_token });
    expect((await events(plain.id, 'login')).at(-1)?.detail).toEqual({ method: 'password', kind: 'cookie' });
  });

  it('a cookie session must send its CSRF token on writes: without → 403 csrf.failed, wrong → 403, right → allowed', async () => {
    const res = await login({ username: plain.username, password: PASSWORD });
    const cookie = `qm_session=${res.cookies[0]!.value}`;
    const post = (headers: Record<string, string>) =>
      request(t, { method: 'POST', url: '/api/v1/Item', headers: { cookie, ...headers }, payload: { shortID: unique('CSRF') } });
    const none = await post({});
    expect(none.statusCode).toBe(403);
    expect(none.json().error.key).toBe('csrf.failed');
    const other = await login({ username: plain.username, password: PASSWORD });
    expect((await post({ 'x-csrf-token': other.json().csrf_token })).json().error.key).toBe('csrf.failed');
    expect((await post({ 'x-csrf-token': res.json().csrf_token })).statusCode).toBe(201);
  });

  it('a form body and the email work as well', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${encodeURIComponent(plain.email.toUpperCase())}&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(plain.id);
  });

  it('?token=1 answers an access token usable as Bearer, not as a cookie', async () => {
    const res = await login({ username: plain.username, password: PASSWORD }, '?token=1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ access_token: expect.stringMatching(/^qm_ses_/), token_type: 'Bearer', expires_in: 36000 });
    expect(res.headers['set-cookie']).toBeUndefined();
    const { access_token } = res.json();
    expect((await me({ authorization: `Bearer ${access_token}` })).json().username).toBe(plain.username);
    const asCookie = await me({ cookie: `qm_session=${access_token}` });
    expect(asCookie.statusCode).toBe(401);
    expect(asCookie.json().error.key).toBe('token.invalid');
  });

  it('wrong password → 401 credentials.invalid, audited as login.failed; missing login name → 400', async () => {
    const res = await login({ username: plain.username, password: 'not the password' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('credentials.invalid');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await events(plain.id, 'login.failed')).length).toBeGreaterThanOrEqual(1);
    const missing = await login({ password: PASSWORD });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ key: 'validation.failed', fields: { username: expect.any(Array) } });
    const noPassword = await login({ username: plain.username });
    expect(noPassword.json().error.fields).toHaveProperty('password');
  });

  it('an integration user cannot log in even with its password', async () => {
    const username = unique('integ');
    await t.db
      .insert(users)
      .values({ accountId: acct.account.id, username, email: `${username}@example.test`, passwordHash: await hashPassword(PASSWORD), kind: 'integration' });
    const res = await login({ username, password: PASSWORD });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('credentials.invalid');
  });

  it('a disabled user: user.disabled only after the right password; wrong password says nothing more', async () => {
    const u = await acct.user({ active: false });
    expect((await login({ username: u.username, password: 'nope nope' })).json().error.key).toBe('credentials.invalid');
    const res = await login({ username: u.username, password: PASSWORD });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('user.disabled');
  });

  it('disabling a user refuses its live session and access token on the very next request', async () => {
    const u = await acct.user();
    const cookieRes = await login({ username: u.username, password: PASSWORD });
    const tokenRes = await login({ username: u.username, password: PASSWORD }, '?token=1');
    const cookie = `qm_session=${cookieRes.cookies[0]!.value}`;
    const bearer = `Bearer ${tokenRes.json().access_token}`;
    expect((await me({ cookie })).statusCode).toBe(200);
    expect((await me({ authorization: bearer })).statusCode).toBe(200);
    await setUser(t, u.id, { isActive: false });
    for (const headers of [{ cookie }, { authorization: bearer }] as Record<string, string>[]) {
      const res = await me(headers);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.key).toBe('user.disabled');
    }
  });
});

describe('the PIN step (seed 002)', () => {
  it('password → pin_token (qm_pin_, 300 s) → PIN → session; the PIN token is single-use', async () => {
    const first = await login({ email: withPin.email, password: PASSWORD });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ pin_token: expect.stringMatching(/^qm_pin_/), expires_in: 300 });
    expect(first.headers['set-cookie']).toBeUndefined();
    const { pin_token } = first.json();

    const res = await pin({ pin_token, pin: '2468' }, '?token=1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ access_token: expect.stringMatching(/^qm_ses_/), token_type: 'Bearer', expires_in: 36000 });
    expect((await me({ authorization: `Bearer ${res.json().access_token}` })).json().id).toBe(withPin.id);

    const replay = await pin({ pin_token, pin: '2468' });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.key).toBe('token.invalid');
    expect((await events(withPin.id, 'login')).at(-1)?.detail).toEqual({ method: 'password+pin', kind: 'token' });
  });

  it('the PIN step can set the cookie session too', async () => {
    const { pin_token } = (await login({ username: withPin.username, password: PASSWORD })).json();
    const res = await pin({ pin_token, pin: '2468' });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(withPin.id);
    expect(res.cookies[0]).toMatchObject({ name: 'qm_session', httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
  });

  it('a wrong PIN → 401 credentials.invalid and pin.failed in the audit log; made-up PIN tokens → token.invalid', async () => {
    const { pin_token } = (await login({ username: withPin.username, password: PASSWORD })).json();
    const wrong = await pin({ pin_token, pin: '0000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.key).toBe('credentials.invalid');
    expect((await events(withPin.id, 'pin.failed')).length).toBeGreaterThanOrEqual(1);
    // The right PIN still works on the same token (4 attempts left), which resets the PIN failure count.
    expect((await pin({ pin_token, pin: '2468' })).statusCode).toBe(200);
    for (const bogus of ['qm_pin_nope', `qm_pin_${'A'.repeat(38)}`, pin_token.replace('qm_pin_', 'qm_ses_')]) {
      const res = await pin({ pin_token: bogus, pin: '2468' });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.key).toBe('token.invalid');
    }
  });

  it('5 wrong PINs kill the PIN token; the user is then PIN-locked (429 with Retry-After)', async () => {
    const u = await acct.user({ pin: '1357' });
    const { pin_token } = (await login({ username: u.username, password: PASSWORD })).json();
    for (let i = 0; i < 5; i++) expect((await pin({ pin_token, pin: '9999' })).json().error.key).toBe('credentials.invalid');
    const dead = await pin({ pin_token, pin: '1357' });
    expect(dead.statusCode).toBe(401);
    expect(dead.json().error.key).toBe('token.invalid');

    const fresh = (await login({ username: u.username, password: PASSWORD })).json().pin_token;
    const locked = await pin({ pin_token: fresh, pin: '1357' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.key).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('parallel guesses cannot spend more than 5 attempts of one PIN token', async () => {
    const u = await acct.user({ pin: '5555' });
    const { pin_token } = (await login({ username: u.username, password: PASSWORD })).json();
    const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) => pin({ pin_token, pin: String(1000 + i) })));
    const keys = guesses.map((r) => r.json().error.key as string);
    expect(keys.filter((k) => k === 'credentials.invalid').length).toBeLessThanOrEqual(5);
    expect(keys.every((k) => ['credentials.invalid', 'token.invalid', 'rate_limited'].includes(k))).toBe(true);
    expect((await pin({ pin_token, pin: '5555' })).json().error.key).toBe('token.invalid');
  });

  it('an expired PIN token → 401 token.expired', async () => {
    const u = await acct.user({ pin: '8642' });
    const { pin_token } = (await login({ username: u.username, password: PASSWORD })).json();
    await t.db.execute(sql`update login_challenges set expires_at = now() - interval '1 second' where user_id = ${u.id}`);
    const res = await pin({ pin_token, pin: '8642' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('token.expired');
  });
});

describe('logout', () => {
  it('ends the cookie session (CSRF required): the next request with the cookie is 401', async () => {
    const res = await login({ username: plain.username, password: PASSWORD });
    const cookie = `qm_session=${res.cookies[0]!.value}`;
    expect((await me({ cookie })).statusCode).toBe(200);
    const noCsrf = await request(t, { method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(noCsrf.json().error.key).toBe('csrf.failed');
    const out = await request(t, { method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': res.json().csrf_token } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/qm_session=;/);
    const after = await me({ cookie });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.key).toBe('token.invalid');
    expect((await events(plain.id, 'session.revoked')).length).toBeGreaterThanOrEqual(1);
  });

  it('ends a Bearer qm_ses access token', async () => {
    const { access_token } = (await login({ username: plain.username, password: PASSWORD }, '?token=1')).json();
    const authorization = `Bearer ${access_token}`;
    expect((await request(t, { method: 'POST', url: '/api/auth/logout', auth: authorization })).statusCode).toBe(204);
    expect((await me({ authorization })).json().error.key).toBe('token.invalid');
  });

  it('with a non-session credential → 400; GET /api/auth/session without a cookie session → 404', async () => {
    const authorization = basic(plain.username, PASSWORD);
    expect((await request(t, { method: 'POST', url: '/api/auth/logout', auth: authorization })).statusCode).toBe(400);
    expect((await request(t, { method: 'GET', url: '/api/auth/session', auth: authorization })).statusCode).toBe(404);
  });
});
