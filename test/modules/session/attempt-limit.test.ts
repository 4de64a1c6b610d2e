import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIN_ATTEMPTS } from '../../../src/defaults.js';
import { makeAccount, PASSWORD, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { Browser } from '../../helpers/flow.js';
import { createApp } from '../../helpers/oauth.js';
import { basic, FORM, request } from '../../helpers/request.js';

/**
 * The one login-and-PIN service (src/modules/session/login.ts) behind every entry point: the same PIN attempt limit
 * on the API, on Frappe's login and on the OAuth login page, and one password lockout shared with the password grant.
 *
 * The lockout allows one failure more than a PIN step's attempts, so what stops the PIN guesses below is the PIN
 * step's own limit, not the lockout; the address limit is out of the way.
 */
const LOCK_AFTER = PIN_ATTEMPTS + 1;
const PIN = '4711';
const WRONG_PIN = '0000';
const DEFAULT_CLIENT = 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6';

let t: TestApp;
let base: string;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let legacy: Awaited<ReturnType<typeof createApp>>;

beforeAll(async () => {
  t = await startTestApp({ lockout: { windowMs: 60_000, lockMs: 60_000, perUser: LOCK_AFTER, perAddress: 10_000 } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  acc = await makeAccount(t);
  const owner = await acc.user({ group: 'owner' });
  legacy = await createApp(t, owner, { name: 'POS', grant_types: ['refresh_token'], allow_password_grant: true });
});
afterAll(() => t?.close());

type Outcome = 'signed in' | 'refused';

/** `/api/auth/login` → `/api/auth/pin`: `wrong` wrong PINs, then the right one. */
async function consolePin(u: TestUser, wrong: number): Promise<Outcome> {
  const first = await request(t, { method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: u.password } });
  const { pin_token } = first.json();
  expect(pin_token).toMatch(/^qm_pin_/);
  for (let i = 0; i < wrong; i++) {
    const res = await request(t, { method: 'POST', url: '/api/auth/pin?token=1', payload: { pin_token, pin: WRONG_PIN } });
    expect(res.json().error.key).toBe('credentials.invalid');
  }
  const right = await request(t, { method: 'POST', url: '/api/auth/pin?token=1', payload: { pin_token, pin: PIN } });
  if (right.statusCode === 200) return 'signed in';
  expect(right.json().error.key).toBe('token.invalid');
  return 'refused';
}

/** Frappe's `/api/method/login`: usr + pwd → tmp_id, then tmp_id + otp. */
async function frappePin(u: TestUser, wrong: number): Promise<Outcome> {
  const post = (payload: object) => request(t, { method: 'POST', url: '/api/method/login', payload });
  const tmp_id = (await post({ usr: u.username, pwd: u.password })).json().tmp_id as string;
  expect(tmp_id).toMatch(/^qm_pin_/);
  for (let i = 0; i < wrong; i++) expect((await post({ tmp_id, otp: WRONG_PIN })).statusCode).toBe(401);
  const right = await post({ tmp_id, otp: PIN });
  if (right.statusCode === 200) return 'signed in';
  expect(right.statusCode).toBe(401);
  return 'refused';
}

/** Starts a sign-in at the authorization endpoint (the default public client, PKCE) and answers its uid. */
async function startSignIn(b: Browser): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    client_id: DEFAULT_CLIENT,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1/callback',
    scope: 'openid',
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const { url } = await b.follow(await b.get(`${base}/o/authorize?${query}`), base);
  expect(url).toMatch(/\/o\/login\/[^/]+$/);
  return url.split('/').pop()!;
}

/** The OAuth login page: password, then `wrong` wrong PINs, then the right one. */
async function oauthPagePin(u: TestUser, wrong: number): Promise<Outcome> {
  const b = new Browser();
  const uid = await startSignIn(b);
  const login = await b.post(`${base}/o/login/${uid}/login`, { login: u.username, password: u.password });
  expect(login.status).toBe(303);
  const pinPage = await (await b.get(`${base}/o/login/${uid}`)).text();
  expect(pinPage).toContain(`action="/o/login/${uid}/pin"`);
  for (let i = 0; i < wrong; i++) {
    const res = await b.post(`${base}/o/login/${uid}/pin`, { pin: WRONG_PIN });
    expect(res.status).toBe(401);
    const html = await res.text();
    // The last attempt spends the PIN step: the sign-in starts over at the password.
    if (i < PIN_ATTEMPTS - 1) expect(html).toContain('Wrong PIN.');
    else expect(html).toContain('Too many wrong PINs');
  }
  const { res, url } = await b.follow(await b.post(`${base}/o/login/${uid}/pin`, { pin: PIN }), base);
  if (!url.startsWith(base)) return 'signed in';
  const html = await res.text();
  // Signed in: the consent page of the sign-in's next step.
  if (/action="\/o\/login\/[^/"]+\/consent"/.test(html)) return 'signed in';
  expect(html).toContain(`action="/o/login/${uid}/login"`);
  return 'refused';
}

describe('one PIN attempt limit for every login with a PIN', () => {
  const entries: [string, (u: TestUser, wrong: number) => Promise<Outcome>][] = [
    ['/api/auth/pin', consolePin],
    ["Frappe's /api/method/login", frappePin],
    ['the OAuth login page', oauthPagePin],
  ];
  for (const [name, attempt] of entries) {
    it(`${name}: ${PIN_ATTEMPTS - 1} wrong PINs leave the right one working; ${PIN_ATTEMPTS} spend the PIN step`, async () => {
      expect(await attempt(await acc.user({ pin: PIN }), PIN_ATTEMPTS - 1)).toBe('signed in');
      expect(await attempt(await acc.user({ pin: PIN }), PIN_ATTEMPTS)).toBe('refused');
    });
  }

  it('the OAuth login page: a spent PIN step is gone; the password starts a new one', async () => {
    const u = await acc.user({ pin: PIN });
    const b = new Browser();
    const uid = await startSignIn(b);
    await b.post(`${base}/o/login/${uid}/login`, { login: u.username, password: u.password });
    for (let i = 0; i < PIN_ATTEMPTS; i++) await (await b.post(`${base}/o/login/${uid}/pin`, { pin: WRONG_PIN })).text();
    // The PIN form is no longer offered, and a PIN posted anyway is sent back to the password.
    expect(await (await b.get(`${base}/o/login/${uid}`)).text()).toContain(`action="/o/login/${uid}/login"`);
    const late = await b.post(`${base}/o/login/${uid}/pin`, { pin: PIN });
    expect(late.status).toBe(303);
    // The password again opens a new PIN step, which takes the right PIN.
    expect((await b.post(`${base}/o/login/${uid}/login`, { login: u.username, password: u.password })).status).toBe(303);
    const { res } = await b.follow(await b.post(`${base}/o/login/${uid}/pin`, { pin: PIN }), base);
    expect(await res.text()).toMatch(/action="\/o\/login\/[^/"]+\/consent"/);
  });
});

describe('the password grant shares the lockout of every other login', () => {
  const grant = (username: string, password: string) =>
    request(t, {
      method: 'POST',
      url: '/api/auth/token/',
      headers: { ...FORM, authorization: basic(legacy.client_id, legacy.client_secret!) },
      payload: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
    });

  it('wrong passwords at the password grant lock the login, Basic, Frappe and the OAuth login page', async () => {
    const u = await acc.user();
    expect((await grant(u.username, PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < LOCK_AFTER; i++) {
      const res = await grant(u.username, `wrong ${i}`);
      expect(res.json().error).toBe('invalid_grant');
    }
    const login = await request(t, { method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: PASSWORD } });
    expect(login.statusCode).toBe(429);
    expect(login.json().error.key).toBe('rate_limited');
    expect((await request(t, { method: 'GET', url: '/api/user/me/', headers: { authorization: basic(u.username, PASSWORD) } })).statusCode).toBe(429);
    expect((await request(t, { method: 'POST', url: '/api/method/login', payload: { usr: u.email, pwd: PASSWORD } })).statusCode).toBe(429);
    const b = new Browser();
    const uid = await startSignIn(b);
    const page = await b.post(`${base}/o/login/${uid}/login`, { login: u.username, password: PASSWORD });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Too many failed attempts');
    // And the grant itself, with the right password.
    expect((await grant(u.username, PASSWORD)).json().error).toBe('invalid_grant');
  });

  it('wrong passwords at the login and the OAuth login page lock the password grant', async () => {
    const u = await acc.user();
    const b = new Browser();
    const uid = await startSignIn(b);
    for (let i = 0; i < LOCK_AFTER; i++) {
      if (i % 2) await (await b.post(`${base}/o/login/${uid}/login`, { login: u.email, password: `wrong ${i}` })).text();
      else
        expect((await request(t, { method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: `wrong ${i}` } })).statusCode).toBe(401);
    }
    // The right password at the grant: refused while the lock lasts (another user, never locked, gets a token).
    const res = await grant(u.username, PASSWORD);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_grant');
    expect((await grant((await acc.user()).username, PASSWORD)).statusCode).toBe(200);
  });
});
