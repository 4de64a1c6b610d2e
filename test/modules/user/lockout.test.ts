import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let admin: TestUser;

beforeAll(async () => {
  t = await startTestApp({ lockout: { windowMs: 60_000, lockMs: 60_000, perUser: 3, perAddress: 1000 } });
  acct = await makeAccount(t);
  admin = await acct.user({ superuser: true });
});
afterAll(() => t.close());

const items = (authorization: string) => request(t, { method: 'GET', url: '/api/v1/Item', auth: authorization });

describe('lockout and administration', () => {
  it('a locked-out user stays locked until an admin sets a new password', async () => {
    const u = await acct.user({ group: 'staff' });
    for (let i = 0; i < 3; i++) expect((await items(basic(u.username, `guess ${i}`))).statusCode).toBe(401);
    const locked = await items(basic(u.username, u.password));
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.key).toBe('rate_limited');
    const reset = await request(t, {
      method: 'POST',
      url: `/api/v1/User/${u.id}/password`,
      auth: basic(admin.username, admin.password),
      payload: { password: 'fresh start password' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await items(basic(u.username, 'fresh start password'))).statusCode).toBe(200);
  });

  it('guessing the current password on /api/user/password/ counts toward the lockout', async () => {
    const u = await acct.user({ group: 'staff' });
    const auth = basic(u.username, u.password);
    for (let i = 0; i < 3; i++) {
      const res = await request(t, {
        method: 'POST',
        url: '/api/user/password/',
        auth: auth,
        payload: { current_password: `guess ${i}`, new_password: 'whatever password' },
      });
      expect(res.statusCode).toBe(400);
    }
    const res = await request(t, {
      method: 'POST',
      url: '/api/user/password/',
      auth: auth,
      payload: { current_password: u.password, new_password: 'whatever password' },
    });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.key).toBe('rate_limited');
  });
});
