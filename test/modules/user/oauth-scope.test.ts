import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScopes } from '../../../src/access/scopes.js';
import { makeAccount, startTestApp, type TestApp, type TestUser, unique } from '../../helpers/app.js';
import { request } from '../../helpers/request.js';

/**
 * OAuth tokens reach the admin API through the bearer resolver the OAuth module registers; here a stand-in
 * resolver maps `test-<userId>-<scopes>` to a principal, so the scope rules can be tested on their own.
 */
let t: TestApp;
let acct: Awaited<ReturnType<typeof makeAccount>>;
let superuser: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  acct = await makeAccount(t);
  superuser = await acct.user({ superuser: true });
  t.services.authenticator.addBearerResolver(async (token) => {
    const m = /^test-(\d+)-(.*)$/.exec(token);
    if (!m) return null;
    const user = (await t.services.users.get(Number(m[1])))!;
    return { user, credential: { kind: 'oauth', id: 1 }, scope: parseScopes(m[2]!.split('+')), clientId: 'test' };
  });
});
afterAll(() => t.close());

const bearer = (u: TestUser, scopes: string) => `Bearer test-${u.id}-${scopes}`;
const create = (authorization: string, extra: Record<string, unknown> = {}) => {
  const username = unique('o');
  return request(t, { method: 'POST', url: '/api/v1/User', auth: authorization, payload: { username, email: `${username}@example.test`, ...extra } });
};

describe('the admin API with OAuth tokens', () => {
  it('users:read lists users but cannot create one (scope.wrong names users:create)', async () => {
    const auth = bearer(superuser, 'users:read');
    expect((await request(t, { method: 'GET', url: '/api/v1/User', auth: auth })).statusCode).toBe(200);
    const res = await create(auth);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({ key: 'scope.wrong', description: 'Your scope does not allow access here.', fields: {}, required_scope: 'users:create' });
  });

  it("a superuser's token without a:superuser cannot create a superuser or change one", async () => {
    const auth = bearer(superuser, 'users:read+users:create+users:update');
    const res = await create(auth, { superuser: true });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
    const other = await acct.user({ superuser: true });
    const pw = await request(t, {
      method: 'POST',
      url: `/api/v1/User/${other.id}/password`,
      auth: auth,
      payload: { password: 'taken over password' },
    });
    expect(pw.statusCode).toBe(403);
    // With a:superuser it may.
    expect((await create(bearer(superuser, 'a:superuser'), { superuser: true })).statusCode).toBe(201);
  });

  it('a narrow token cannot hand out groups wider than its scope', async () => {
    const auth = bearer(superuser, 'users:read+users:create+users:update');
    // Not a superuser through this token, and its rights are users:* only: the owner group grants far more.
    const res = await create(auth, { groupIds: [acct.groups.owner.id] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
  });

  it("changing one's own password needs a first-party credential, not an OAuth token", async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/user/password/',
      auth: bearer(superuser, 'a:superuser'),
      payload: { current_password: superuser.password, new_password: 'stolen token new pw' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('scope.wrong');
  });
});
