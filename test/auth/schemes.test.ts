import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

let t: TestApp;
let owner: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  const acct = await makeAccount(t);
  owner = await acct.user();
});
afterAll(() => t.close());

const list = (authorization?: string) => request(t, { method: 'GET', url: '/api/v1/Item?page=1&pageSize=10', headers: authorization ? { authorization } : {} });

describe('every scheme reaches the API', () => {
  it('Basic username:password', async () => {
    const res = await list(basic(owner.username, owner.password));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ value: [], totalCount: 0, page: 1, pageSize: 10, pageCount: 0, hasMore: false });
  });

  it('Basic with the email instead of the username', async () => {
    expect((await list(basic(owner.email.toUpperCase(), owner.password))).statusCode).toBe(200);
  });

  it('Token <personal token> (seed 000)', async () => {
    const token = await personalToken(t, owner);
    expect(token).toMatch(/^qm_pat_[0-9A-Za-z]{38}$/);
    expect((await list(`Token ${token}`)).statusCode).toBe(200);
  });

  it('token <api_key>:<api_secret> and Basic base64(key:secret) (seed 004)', async () => {
    const { apiKey: key, apiSecret } = await apiKey(t, owner);
    expect((await list(`token ${key}:${apiSecret}`)).statusCode).toBe(200);
    expect((await list(basic(key, apiSecret))).statusCode).toBe(200);
  });
});

describe('failures answer in the seed 002 format', () => {
  it('no credentials: 401 auth.required with WWW-Authenticate', async () => {
    const res = await list();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toEqual(['Basic realm="api", charset="UTF-8"', 'Bearer realm="api"', 'Token realm="api"']);
    expect(res.json()).toEqual({ error: { key: 'auth.required', description: expect.any(String), fields: {} } });
  });

  it('a made-up token: 401 token.invalid, body exactly as the seed shows', async () => {
    const res = await list('Token qm_pat_notatoken');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { fields: {}, description: 'Invalid token', key: 'token.invalid' } });
  });

  it('a wrong password: 401 credentials.invalid', async () => {
    const res = await list(basic(owner.username, 'wrong password'));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('credentials.invalid');
  });

  it('routes are case-insensitive and accept a trailing slash', async () => {
    const res = await request(t, {
      method: 'GET',
      url: '/API/V1/item/?page=1&pageSize=10',
      auth: basic(owner.username, owner.password),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().pageSize).toBe(10);
  });
});
