import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, PASSWORD, startTestApp, type TestApp, unique } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

/**
 * Small policy: 3 failures per login/user, 8 per address. The app trusts the loopback proxy, so each test can
 * come from its own client address (X-Forwarded-For) and lock only itself.
 */
let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let n = 0;
const nextIp = () => `198.51.100.${++n}`;

beforeAll(async () => {
  t = await startTestApp({ lockout: { windowMs: 60_000, lockMs: 60_000, perUser: 3, perAddress: 8 }, env: { QM_TRUST_PROXY: '127.0.0.1' } });
  acct = await makeAccount(t);
});
afterAll(() => t.close());

const via = (ip: string) => ({ 'x-forwarded-for': ip, 'x-forwarded-proto': 'https' });
const basicCall = (ip: string, user: string, password: string) =>
  request(t, { method: 'GET', url: '/api/user/me/', headers: { ...via(ip), authorization: basic(user, password) } });
const loginCall = (ip: string, username: string, password: string) =>
  request(t, { method: 'POST', url: '/api/auth/login', headers: via(ip), payload: { username, password } });

function expectLocked(res: Awaited<ReturnType<typeof basicCall>>) {
  expect(res.statusCode).toBe(429);
  expect(res.json().error.key).toBe('rate_limited');
  const retry = Number(res.headers['retry-after']);
  expect(retry).toBeGreaterThan(0);
  expect(retry).toBeLessThanOrEqual(60);
}

describe('password lockout', () => {
  it('Basic: after 3 wrong passwords even the right one is refused with 429 rate_limited + Retry-After', async () => {
    const u = await acct.user();
    const ip = nextIp();
    for (let i = 0; i < 3; i++) expect((await basicCall(ip, u.username, `wrong ${i}`)).json().error.key).toBe('credentials.invalid');
    expectLocked(await basicCall(ip, u.username, PASSWORD));
    // The lock is on the user, not only this address.
    expectLocked(await basicCall(nextIp(), u.username, PASSWORD));
  });

  it('login: after 3 wrong passwords the right one is refused too, and the lock is shared with Basic', async () => {
    const u = await acct.user();
    const ip = nextIp();
    for (let i = 0; i < 3; i++) expect((await loginCall(ip, u.username, `wrong ${i}`)).statusCode).toBe(401);
    expectLocked(await loginCall(ip, u.username, PASSWORD));
    expectLocked(await basicCall(nextIp(), u.username, PASSWORD));
    // The email is the same user (locked by id), whatever name is typed.
    expectLocked(await loginCall(nextIp(), u.email, PASSWORD));
  });

  it('unknown users lock exactly like real ones (no enumeration)', async () => {
    const real = await acct.user();
    const ghost = unique('ghost');
    const answers: [number, string][][] = [[], []];
    for (const [k, name] of [real.username, ghost].entries()) {
      const ip = nextIp();
      for (let i = 0; i < 4; i++) {
        const res = await basicCall(ip, name, 'wrong password');
        answers[k]!.push([res.statusCode, res.json().error.key]);
      }
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]!.map((a) => a[0])).toEqual([401, 401, 401, 429]);
  });

  it('per address: 8 failures over many names lock that address for everyone, other addresses still work', async () => {
    const ip = nextIp();
    for (let i = 0; i < 8; i++) await loginCall(ip, unique('spray'), 'password123');
    const victim = await acct.user();
    expectLocked(await loginCall(ip, victim.username, PASSWORD));
    expectLocked(await basicCall(ip, victim.username, PASSWORD));
    expect((await basicCall(nextIp(), victim.username, PASSWORD)).statusCode).toBe(200);
  });

  it('a success clears the user count: failures do not accumulate across successful logins', async () => {
    const u = await acct.user();
    const ip = nextIp();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) expect((await loginCall(ip, u.username, 'wrong')).statusCode).toBe(401);
      expect((await loginCall(ip, u.username, PASSWORD)).statusCode).toBe(200);
    }
  });
});

describe('PIN lockout', () => {
  it('after 3 wrong PINs (policy) the right PIN is refused with 429, on any PIN token', async () => {
    const u = await acct.user({ pin: '4321' });
    const ip = nextIp();
    const pinToken = async () => (await loginCall(ip, u.username, PASSWORD)).json().pin_token as string;
    const first = await pinToken();
    const pin = (pin_token: string, value: string) =>
      request(t, { method: 'POST', url: '/api/auth/pin', headers: via(ip), payload: { pin_token, pin: value } });
    for (let i = 0; i < 3; i++) expect((await pin(first, '0000')).json().error.key).toBe('credentials.invalid');
    expectLocked(await pin(first, '4321'));
    expectLocked(await pin(await pinToken(), '4321'));
  });
});
