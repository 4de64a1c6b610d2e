import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser, unique } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let admin: TestUser;
let manager: TestUser;
let target: TestUser;
let superuser: TestUser;
let foreigner: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  const a = await makeAccount(t);
  admin = await a.user({ group: 'owner' });
  manager = await a.user({ group: 'manager' }); // user: view only
  target = await a.user({ group: 'staff' });
  superuser = await a.user({ superuser: true });
  foreigner = await (await makeAccount(t, 'Elsewhere')).user();
});
afterAll(() => t.close());

const as = (u: TestUser) => basic(u.username, u.password);
const req = (method: 'GET' | 'POST' | 'DELETE', url: string, authorization: string, payload?: object) =>
  request(t, { method, url, auth: authorization, ...(payload ? { payload } : {}) });

async function giveCredentials(u: TestUser) {
  const token = (await req('POST', '/api/user/tokens/', as(u), { name: unique('script') })).json();
  const key = (await req('POST', '/api/user/apikey/', as(u))).json();
  const session = (await request(t, { method: 'POST', url: '/api/auth/login?token=1', payload: { username: u.username, password: u.password } })).json();
  return { token, key, session };
}

describe("admin: a user's credentials", () => {
  it('GET lists tokens, API key and sessions, never a secret', async () => {
    const { token, key, session } = await giveCredentials(target);
    const res = await req('GET', `/api/v1/User/${target.id}/Credentials`, as(admin));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toEqual({ id: target.id, username: target.username });
    expect(body.tokens).toEqual([expect.objectContaining({ id: token.id, name: token.name, hint: token.hint })]);
    expect(body.apiKey).toEqual(expect.objectContaining({ api_key: key.api_key }));
    expect(body.sessions).toEqual([expect.objectContaining({ kind: 'token', expires: expect.any(String) })]);
    for (const secret of [token.token, key.api_secret, session.access_token]) expect(res.body).not.toContain(secret);
  });

  it('revoking a token, the API key and the sessions takes effect on the very next request', async () => {
    const { token, key, session } = await giveCredentials(target);
    const probe = (authorization: string) => req('GET', '/api/user/me/', authorization);
    for (const a of [`Token ${token.token}`, `token ${key.api_key}:${key.api_secret}`, `Bearer ${session.access_token}`])
      expect((await probe(a)).statusCode).toBe(200);

    expect((await req('DELETE', `/api/v1/User/${target.id}/Credentials/tokens/${token.id}`, as(admin))).statusCode).toBe(204);
    expect((await probe(`Token ${token.token}`)).json().error.key).toBe('token.invalid');

    expect((await req('DELETE', `/api/v1/User/${target.id}/Credentials/apikey`, as(admin))).statusCode).toBe(204);
    expect((await probe(`token ${key.api_key}:${key.api_secret}`)).statusCode).toBe(401);

    const res = await req('DELETE', `/api/v1/User/${target.id}/Credentials/sessions`, as(admin));
    expect(res.statusCode).toBe(200);
    expect(res.json().revoked).toBeGreaterThanOrEqual(1);
    expect((await probe(`Bearer ${session.access_token}`)).json().error.key).toBe('token.invalid');
    const after = (await req('GET', `/api/v1/User/${target.id}/Credentials`, as(admin))).json();
    expect(after).toMatchObject({ apiKey: null, sessions: [] });
    expect(after.tokens.find((x: { id: number }) => x.id === token.id)).toBeUndefined();
  });

  it("another account's user or token → 404 not_found", async () => {
    const theirs = (await req('POST', '/api/user/tokens/', as(foreigner), { name: 'x' })).json();
    for (const [method, url] of [
      ['GET', `/api/v1/User/${foreigner.id}/Credentials`],
      ['DELETE', `/api/v1/User/${foreigner.id}/Credentials/tokens/${theirs.id}`],
      ['DELETE', `/api/v1/User/${foreigner.id}/Credentials/apikey`],
      ['DELETE', `/api/v1/User/${foreigner.id}/Credentials/sessions`],
      // A foreign token id under one of our own users.
      ['DELETE', `/api/v1/User/${target.id}/Credentials/tokens/${theirs.id}`],
    ] as const) {
      const res = await req(method, url, as(admin));
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.key).toBe('not_found');
    }
    expect((await req('GET', '/api/user/me/', `Token ${theirs.token}`)).statusCode).toBe(200);
  });

  it('needs the change permission on users: a manager (view only) gets 403 permission.denied', async () => {
    const res = await req('GET', `/api/v1/User/${target.id}/Credentials`, as(manager));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
  });

  it("a non-superuser admin cannot touch a superuser's credentials", async () => {
    const res = await req('DELETE', `/api/v1/User/${superuser.id}/Credentials/sessions`, as(admin));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('permission.denied');
    expect((await req('GET', `/api/v1/User/${admin.id}/Credentials`, as(superuser))).statusCode).toBe(200);
  });
});
