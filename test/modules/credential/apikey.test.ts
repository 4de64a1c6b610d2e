import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let owner: TestUser;
let readOnly: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  const a = await makeAccount(t);
  owner = await a.user();
  readOnly = await a.user({ group: 'read-only', readOnly: true });
});
afterAll(() => t.close());

const req = (method: 'GET' | 'POST' | 'DELETE', url: string, authorization: string) => request(t, { method, url, auth: authorization });
const whoami = (authorization: string) => req('GET', '/api/method/frappe.auth.get_logged_user', authorization);

describe('/api/user/apikey/ (seed 004)', () => {
  it('POST answers api_key and api_secret once (201); both header forms work', async () => {
    const res = await req('POST', '/api/user/apikey/', basic(owner.username, owner.password));
    expect(res.statusCode).toBe(201);
    const { api_key, api_secret } = res.json();
    expect(res.json()).toEqual({ api_key: expect.stringMatching(/^qm_key_/), api_secret: expect.stringMatching(/^qm_sec_/) });
    expect((await whoami(`token ${api_key}:${api_secret}`)).json()).toEqual({ message: owner.username });
    expect((await whoami(basic(api_key, api_secret))).json()).toEqual({ message: owner.username });

    const meta = await req('GET', '/api/user/apikey/', basic(owner.username, owner.password));
    expect(meta.statusCode).toBe(200);
    expect(meta.json()).toEqual({
      id: expect.any(Number),
      api_key,
      created: expect.any(String),
      rotated: null,
      lastUsed: expect.any(String),
      lastUsedIp: '127.0.0.1',
    });
    expect(meta.body).not.toContain(api_secret);
  });

  it('generating again keeps the key, replaces the secret, and the old secret is refused at once', async () => {
    const first = (await req('POST', '/api/user/apikey/', basic(owner.username, owner.password))).json();
    expect((await whoami(`token ${first.api_key}:${first.api_secret}`)).statusCode).toBe(200); // warm
    const second = (await req('POST', '/api/user/apikey/', basic(owner.username, owner.password))).json();
    expect(second.api_key).toBe(first.api_key);
    expect(second.api_secret).not.toBe(first.api_secret);
    for (const old of [`token ${first.api_key}:${first.api_secret}`, basic(first.api_key, first.api_secret)]) {
      const res = await whoami(old);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.key).toBe('credentials.invalid');
    }
    expect((await whoami(`token ${second.api_key}:${second.api_secret}`)).statusCode).toBe(200);
    expect((await req('GET', '/api/user/apikey/', basic(owner.username, owner.password))).json().rotated).toEqual(expect.any(String));
  });

  it('DELETE revokes the key: next request 401, metadata 404', async () => {
    const k = (await req('POST', '/api/user/apikey/', basic(owner.username, owner.password))).json();
    expect((await whoami(`token ${k.api_key}:${k.api_secret}`)).statusCode).toBe(200);
    expect((await req('DELETE', '/api/user/apikey/', basic(owner.username, owner.password))).statusCode).toBe(204);
    expect((await whoami(`token ${k.api_key}:${k.api_secret}`)).statusCode).toBe(401);
    expect((await req('GET', '/api/user/apikey/', basic(owner.username, owner.password))).statusCode).toBe(404);
    expect((await req('DELETE', '/api/user/apikey/', basic(owner.username, owner.password))).statusCode).toBe(404);
    // A new key after revocation is a new key.
    const again = (await req('POST', '/api/user/apikey/', basic(owner.username, owner.password))).json();
    expect(again.api_key).not.toBe(k.api_key);
  });

  it('a read-only user can generate an API key, and it stays read-only', async () => {
    const res = await req('POST', '/api/user/apikey/', basic(readOnly.username, readOnly.password));
    expect(res.statusCode).toBe(201);
    const { api_key, api_secret } = res.json();
    const write = await request(t, {
      method: 'POST',
      url: '/api/v1/Item',
      auth: `token ${api_key}:${api_secret}`,
      payload: { shortID: 'RO-1' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.key).toBe('user.read_only');
  });

  it("an API key's secret cannot be used with another key", async () => {
    const a = (await req('POST', '/api/user/apikey/', basic(owner.username, owner.password))).json();
    const b = (await req('POST', '/api/user/apikey/', basic(readOnly.username, readOnly.password))).json();
    expect((await whoami(`token ${a.api_key}:${b.api_secret}`)).statusCode).toBe(401);
  });
});
