import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { consoleLogin, expectError, form, FORM, request } from '../helpers/request.js';

/**
 * Cookies are parsed by src/http/cookies.ts (`cookieOf`) only when a scheme reads one, and set or cleared by its
 * `setCookie`/`clearCookie`. The attacker's side: whatever a client puts in a Cookie header is a 401 in the
 * documented format, never a 500 and never someone's session; a cleared cookie really tells the browser to drop it.
 */
let t: TestApp;
let owner: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  owner = await (await makeAccount(t, 'Cookie store')).user();
});
afterAll(() => t.close());

const me = (cookie: string) => request(t, { method: 'GET', url: '/api/user/me/', headers: { cookie } });
const frappeUser = (cookie: string) =>
  request(t, { method: 'GET', url: '/api/method/frappe.auth.get_logged_user', headers: { cookie, accept: 'application/json' } });

const HOSTILE = [
  'qm_session=%E0%A4%A', // a broken percent escape
  'qm_session=qm_ses_forgedforgedforgedforgedforged0123', // well-formed, unknown
  'qm_session=', // empty
  'qm_session', // no value at all
  '__proto__=x; constructor=y; toString=z; qm_session=qm_ses_x', // prototype names beside it
  ';;;=;=x;  ; =', // separators only
  `qm_session=${'a'.repeat(4000)}`, // long
  'qm_session="qm_ses_quoted"; qm_session=qm_ses_second', // quoted, and a second one
];

describe('hostile Cookie headers', () => {
  it('the console session: each is a 401 in the error format, none a 500', async () => {
    for (const cookie of HOSTILE) {
      const res = await me(cookie);
      expect(res.statusCode, cookie).toBe(401);
      expect(res.json(), cookie).toEqual({ error: { key: expect.any(String), description: expect.any(String), fields: expect.any(Object) } });
    }
  });

  it("Frappe's sid: each is a 401 in Frappe's error format, none a 500", async () => {
    for (const cookie of HOSTILE.map((c) => c.replaceAll('qm_session', 'sid'))) {
      const res = await frappeUser(cookie);
      expect(res.statusCode, cookie).toBe(401);
      expect(res.json().exc_type, cookie).toBe('AuthenticationError');
    }
  });

  it('a real session surrounded by junk still works, and the first of two same-named cookies is the one read', async () => {
    const session = await consoleLogin(t, owner);
    const ok = await me(`__proto__=1; junk=%E0; ${session.cookie}; qm_session=qm_ses_forgedforgedforgedforgedforged0123`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().username).toBe(owner.username);
    expectError(await me(`qm_session=qm_ses_forgedforgedforgedforgedforged0123; ${session.cookie}`), 401, 'token.invalid');
  });
});

describe('cleared cookies', () => {
  it('console logout clears qm_session with the attributes it was set with, expired', async () => {
    const session = await consoleLogin(t, owner);
    const out = await request(t, { method: 'POST', url: '/api/auth/logout', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies).toEqual([
      expect.objectContaining({ name: 'qm_session', value: '', path: '/', maxAge: 0, httpOnly: true, secure: true, sameSite: 'Strict', expires: new Date(0) }),
    ]);
  });

  it('Frappe logout clears sid on its path, expired', async () => {
    const login = await request(t, {
      method: 'POST',
      url: '/',
      headers: { ...FORM, accept: 'application/json' },
      payload: form({ cmd: 'login', usr: owner.username, pwd: owner.password }),
    });
    const sid = login.cookies.find((c) => c.name === 'sid')!;
    const out = await request(t, {
      method: 'POST',
      url: '/api/method/logout',
      headers: { ...FORM, accept: 'application/json', cookie: `sid=${sid.value}` },
      payload: form({}),
    });
    expect(out.statusCode).toBe(200);
    expect(out.cookies).toEqual([expect.objectContaining({ name: 'sid', value: '', path: '/', maxAge: 0, expires: new Date(0) })]);
    expect((await frappeUser(`sid=${sid.value}`)).statusCode).toBe(401);
  });
});
