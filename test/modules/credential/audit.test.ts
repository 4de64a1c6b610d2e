import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, ne } from 'drizzle-orm';
import { auditLog } from '../../../src/db/schema/index.js';
import { makeAccount, PASSWORD, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let admin: TestUser;
let u: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  const acct = await makeAccount(t);
  admin = await acct.user();
  u = await acct.user({ pin: '1111' });
});
afterAll(() => t.close());

async function authEvents(userId: number) {
  await t.services.audit.flush();
  return t.db
    .select({ event: auditLog.event, username: auditLog.username, credentialKind: auditLog.credentialKind, ip: auditLog.ip, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.userId, userId), ne(auditLog.event, 'request')))
    .orderBy(asc(auditLog.id));
}

describe('auth events are audited', () => {
  it('login, login.failed, pin.failed, token.issued, token.revoked, apikey.generated, apikey.revoked, session.revoked', async () => {
    const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: object) =>
      request(t, { method, url, headers, ...(payload ? { payload } : {}) });
    const as = basic(u.username, PASSWORD);

    await inject('POST', '/api/auth/login', {}, { username: u.username, password: 'wrong password' });
    const { pin_token } = (await inject('POST', '/api/auth/login', {}, { username: u.username, password: PASSWORD })).json();
    await inject('POST', '/api/auth/pin', {}, { pin_token, pin: '0000' });
    const { access_token } = (await inject('POST', '/api/auth/pin?token=1', {}, { pin_token, pin: '1111' })).json();
    await inject('GET', '/api/user/token/?name=a', { authorization: as });
    const created = (await inject('POST', '/api/user/tokens/', { authorization: as }, { name: 'b' })).json();
    await inject('DELETE', `/api/user/tokens/${created.id}`, { authorization: as });
    await inject('POST', '/api/user/apikey/', { authorization: as });
    await inject('POST', '/api/user/apikey/', { authorization: as });
    await inject('DELETE', '/api/user/apikey/', { authorization: as });
    expect((await inject('POST', '/api/auth/logout', { authorization: `Bearer ${access_token}` })).statusCode).toBe(204);

    const events = await authEvents(u.id);
    expect(events.map((e) => e.event)).toEqual([
      'login.failed',
      'pin.failed',
      'login',
      'token.issued',
      'token.issued',
      'token.revoked',
      'apikey.generated',
      'apikey.generated',
      'apikey.revoked',
      'session.revoked',
    ]);
    expect(events.every((e) => e.username === u.username && e.ip === '127.0.0.1')).toBe(true);
    expect(events[2]!.detail).toEqual({ method: 'password+pin', kind: 'token' });
    expect(events[3]!.detail).toMatchObject({ name: 'a', rotated: false });
    expect(events[3]!.credentialKind).toBe('password');
    expect(events[7]!.detail).toMatchObject({ regenerated: true });
    expect(events[9]!.credentialKind).toBe('session');
  });

  it("an admin's revocation is logged against the user, naming the admin", async () => {
    const created = (await request(t, { method: 'POST', url: '/api/user/tokens/', auth: basic(u.username, PASSWORD), payload: { name: 'adm' } })).json();
    const res = await request(t, {
      method: 'DELETE',
      url: `/api/v1/User/${u.id}/Credentials/tokens/${created.id}`,
      auth: basic(admin.username, PASSWORD),
    });
    expect(res.statusCode).toBe(204);
    const last = (await authEvents(u.id)).at(-1)!;
    expect(last).toMatchObject({
      event: 'token.revoked',
      username: u.username,
      detail: { tokenId: created.id, by: { id: admin.id, username: admin.username } },
    });
  });
});
