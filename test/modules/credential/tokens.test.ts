import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScopes } from '../../../src/access/scopes.js';
import { personalTokens, serverKeys } from '../../../src/db/schema/index.js';
import { contextOf, makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let owner: TestUser;
let readOnly: TestUser;
let other: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  const a = await makeAccount(t);
  owner = await a.user();
  readOnly = await a.user({ group: 'read-only', readOnly: true });
  other = await (await makeAccount(t, 'Other store')).user();
  t.services.authenticator.addBearerResolver(async (token) => {
    if (token !== 'fake-oauth-wide') return null;
    return { user: (await t.services.users.get(owner.id))!, credential: { kind: 'oauth', id: 1 }, scope: parseScopes('a:superuser'), clientId: 'c' };
  });
});
afterAll(() => t.close());

const req = (method: 'GET' | 'POST' | 'DELETE', url: string, authorization: string, payload?: object) =>
  request(t, { method, url, auth: authorization, ...(payload ? { payload } : {}) });
const items = (authorization: string) => req('GET', '/api/v1/Item', authorization);

describe('GET /api/user/token/ (seed 000)', () => {
  it('with Basic: answers a token that then works as `Token …`', async () => {
    const res = await req('GET', '/api/user/token/', basic(owner.username, owner.password));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ token: expect.stringMatching(/^qm_pat_[0-9A-Za-z]{38}$/), name: 'default', expiry: null });
    expect((await items(`Token ${body.token}`)).statusCode).toBe(200);
  });

  it('?name= names it; asking again answers the same token (two scripts do not log each other out)', async () => {
    const first = (await req('GET', '/api/user/token/?name=ci', basic(owner.username, owner.password))).json();
    expect(first.name).toBe('ci');
    const second = (await req('GET', '/api/user/token/?name=ci', basic(owner.username, owner.password))).json();
    expect(second.token).toBe(first.token);
    expect((await items(`Token ${first.token}`)).statusCode).toBe(200);
    const list = (await req('GET', '/api/user/tokens/', basic(owner.username, owner.password))).json();
    expect(list.filter((x: { name: string }) => x.name === 'ci')).toHaveLength(1);
  });

  it('?new=1 replaces the token of a name explicitly: the old one is refused on the very next request', async () => {
    const first = (await req('GET', '/api/user/token/?name=rot', basic(owner.username, owner.password))).json();
    const second = (await req('GET', '/api/user/token/?name=rot&new=1', basic(owner.username, owner.password))).json();
    expect(second.token).not.toBe(first.token);
    const res = await items(`Token ${first.token}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('token.invalid');
    expect((await items(`Token ${second.token}`)).statusCode).toBe(200);
    // From now on the new one is the answer.
    expect((await req('GET', '/api/user/token/?name=rot', basic(owner.username, owner.password))).json().token).toBe(second.token);
    // Other names are untouched.
    const list = (await req('GET', '/api/user/tokens/', basic(owner.username, owner.password))).json();
    expect(list.filter((x: { name: string }) => x.name === 'rot')).toHaveLength(1);
    expect(list.some((x: { name: string }) => x.name === 'ci')).toBe(true);
  });

  it('HEAD does not issue (or rotate) anything', async () => {
    const { token } = (await req('GET', '/api/user/token/?name=head', basic(owner.username, owner.password))).json();
    const head = await request(t, { method: 'HEAD', url: '/api/user/token/?name=head', auth: basic(owner.username, owner.password) });
    expect(head.statusCode).toBe(404);
    expect((await items(`Token ${token}`)).statusCode).toBe(200);
  });

  it('a read-only user can get a token', async () => {
    const res = await req('GET', '/api/user/token/', basic(readOnly.username, readOnly.password));
    expect(res.statusCode).toBe(200);
    expect(res.json().token).toMatch(/^qm_pat_/);
  });

  it('an OAuth token, however wide its scope, cannot mint a personal token: 403 scope.wrong', async () => {
    for (const [method, url] of [
      ['GET', '/api/user/token/'],
      ['GET', '/api/user/tokens/'],
      ['POST', '/api/user/apikey/'],
    ] as const) {
      const res = await req(method, url, 'Bearer fake-oauth-wide', method === 'POST' ? {} : undefined);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.key).toBe('scope.wrong');
    }
  });

  it('a bad name is a validation error with fields', async () => {
    const res = await req('GET', `/api/user/token/?name=${'x'.repeat(101)}`, basic(owner.username, owner.password));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ key: 'validation.failed', fields: { name: expect.any(Array) } });
  });
});

describe('/api/user/tokens/', () => {
  it('POST creates a token shown once (201); GET lists metadata only', async () => {
    const res = await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'nightly', expiresIn: 3600 });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.any(Number),
      name: 'nightly',
      hint: expect.stringMatching(/^qm_pat_.{4}…$/),
      created: expect.any(String),
      expires: expect.any(String),
      lastUsed: null,
      lastUsedIp: null,
      token: expect.stringMatching(/^qm_pat_/),
    });
    expect(Date.parse(created.expires) - Date.now()).toBeGreaterThan(3500_000);
    expect((await items(`Token ${created.token}`)).statusCode).toBe(200);

    const list = await req('GET', '/api/user/tokens/', basic(owner.username, owner.password));
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.token);
    const entry = list.json().find((x: { id: number }) => x.id === created.id);
    expect(entry).toEqual({
      id: created.id,
      name: 'nightly',
      hint: created.hint,
      created: created.created,
      expires: created.expires,
      lastUsed: expect.any(String),
      lastUsedIp: '127.0.0.1',
    });
    expect(entry).not.toHaveProperty('token');
  });

  it('POST with an absolute expiry in the future; in the past or both forms → validation.failed', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const ok = await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'abs', expires: future });
    expect(ok.statusCode).toBe(201);
    expect(Date.parse(ok.json().expires)).toBe(Date.parse(future));

    const past = await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'past', expires: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error).toEqual({ key: 'validation.failed', description: expect.any(String), fields: { expires: ['must be in the future'] } });

    const both = await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'both', expires: future, expiresIn: 60 });
    expect(both.statusCode).toBe(400);
    const junk = await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'junk', expires: 'tomorrow' });
    expect(junk.statusCode).toBe(400);
    expect(junk.json().error.fields).toHaveProperty('expires');
  });

  it('POST with a name already live → 409 conflict (no silent replacement)', async () => {
    await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'dup' });
    const res = await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'dup' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.key).toBe('conflict');
  });

  it('two concurrent POSTs with one name: exactly one 201 and one 409, and the winner works', async () => {
    const results = await Promise.all([0, 1].map(() => req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'race' })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.statusCode === 201)!.json();
    expect((await items(`Token ${winner.token}`)).statusCode).toBe(200);
  });

  it('an expired token → 401 token.expired', async () => {
    const fresh = await personalToken(t, owner, 'expired', new Date(Date.now() - 1000));
    const res = await items(`Token ${fresh}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('token.expired');
  });

  it('DELETE revokes my token: the very next request with it is 401 token.invalid', async () => {
    const created = (await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'doomed' })).json();
    expect((await items(`Token ${created.token}`)).statusCode).toBe(200); // warm in the cache
    const del = await req('DELETE', `/api/user/tokens/${created.id}`, basic(owner.username, owner.password));
    expect(del.statusCode).toBe(204);
    const res = await items(`Token ${created.token}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('token.invalid');
    expect((await req('DELETE', `/api/user/tokens/${created.id}`, basic(owner.username, owner.password))).statusCode).toBe(404);
  });

  it("another user's token id → 404 not_found, and it keeps working", async () => {
    const created = (await req('POST', '/api/user/tokens/', basic(other.username, other.password), { name: 'theirs' })).json();
    const res = await req('DELETE', `/api/user/tokens/${created.id}`, basic(owner.username, owner.password));
    expect(res.statusCode).toBe(404);
    expect(res.json().error.key).toBe('not_found');
    expect((await items(`Token ${created.token}`)).statusCode).toBe(200);
    expect((await req('GET', '/api/user/tokens/', basic(owner.username, owner.password))).body).not.toContain('theirs');
  });

  it('a read-only user can create, list and revoke own tokens', async () => {
    const auth = basic(readOnly.username, readOnly.password);
    const created = await req('POST', '/api/user/tokens/', auth, { name: 'ro' });
    expect(created.statusCode).toBe(201);
    expect((await req('GET', '/api/user/tokens/', auth)).json().map((x: { name: string }) => x.name)).toContain('ro');
    expect((await req('DELETE', `/api/user/tokens/${created.json().id}`, auth)).statusCode).toBe(204);
  });

  it('a tampered token (one character of the checksum changed) → token.invalid without a lookup', async () => {
    const token = await personalToken(t, owner);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const res = await items(`Token ${token.slice(0, -1)}${last}`);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { key: 'token.invalid', description: 'Invalid token', fields: {} } });
  });
});

describe('persistent tokens (seed 000: "persistent for that user … across multiple sessions")', () => {
  const script = () => req('GET', '/api/user/token/?name=nightly-sync', basic(owner.username, owner.password));

  it('two scripts fetching the token by Basic get the same token and both keep working, also concurrently', async () => {
    const [a, b] = await Promise.all([script(), script()]);
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(b.json().token).toBe(a.json().token);
    const c = (await script()).json().token;
    expect(c).toBe(a.json().token);
    expect((await items(`Token ${a.json().token}`)).statusCode).toBe(200);
    const live = (await req('GET', '/api/user/tokens/', basic(owner.username, owner.password)))
      .json()
      .filter((x: { name: string }) => x.name === 'nightly-sync');
    expect(live).toHaveLength(1);
  });

  it('a revoked token is not answered again: the next request for the name gets a new one', async () => {
    const old = (await req('GET', '/api/user/token/?name=revoke-me', basic(owner.username, owner.password))).json().token;
    const row = (await req('GET', '/api/user/tokens/', basic(owner.username, owner.password))).json().find((x: { name: string }) => x.name === 'revoke-me');
    expect((await req('DELETE', `/api/user/tokens/${row.id}`, basic(owner.username, owner.password))).statusCode).toBe(204);
    const fresh = (await req('GET', '/api/user/token/?name=revoke-me', basic(owner.username, owner.password))).json().token;
    expect(fresh).not.toBe(old);
    expect((await items(`Token ${old}`)).statusCode).toBe(401);
    expect((await items(`Token ${fresh}`)).statusCode).toBe(200);
  });

  it('an expired token is replaced by a new one', async () => {
    const old = (await req('GET', '/api/user/token/?name=expiring', basic(owner.username, owner.password))).json().token;
    await t.db.execute(sql`update personal_tokens set expires_at = now() - interval '1 minute' where name = 'expiring' and revoked_at is null`);
    const fresh = (await req('GET', '/api/user/token/?name=expiring', basic(owner.username, owner.password))).json().token;
    expect(fresh).not.toBe(old);
    expect((await items(`Token ${fresh}`)).statusCode).toBe(200);
  });

  it('a token created by POST (shown once) is not answered by name: 409, until replaced with ?new=1', async () => {
    await req('POST', '/api/user/tokens/', basic(owner.username, owner.password), { name: 'once' });
    const res = await req('GET', '/api/user/token/?name=once', basic(owner.username, owner.password));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.key).toBe('conflict');
    const replaced = await req('GET', '/api/user/token/?name=once&new=1', basic(owner.username, owner.password));
    expect(replaced.statusCode).toBe(200);
    expect((await req('GET', '/api/user/token/?name=once', basic(owner.username, owner.password))).json().token).toBe(replaced.json().token);
  });

  it('a dump of the tokens table does not contain any token, and the server key is not in the database', async () => {
    const token = (await script()).json().token as string;
    const dump = JSON.stringify(await t.db.select().from(personalTokens));
    expect(dump).toContain('nightly-sync');
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(7, 30));
    const keys = JSON.stringify(await t.db.select().from(serverKeys));
    expect(keys).not.toContain(t.services.tokenKey.get().toString('base64'));
  });

  it('under another server key the token cannot be derived again: 409, never a wrong token', async () => {
    const { personalTokenFor } = await import('../../../src/modules/credential/service.js');
    const { Contexts } = await import('../../../src/auth/context.js');
    const { ServerKey } = await import('../../../src/auth/server-key.js');
    const token = (await script()).json().token;
    const otherKey = Buffer.alloc(32, 7);
    const underOtherKey = new Contexts({ ...t.services.contexts.machinery, tokenKey: new ServerKey(otherKey, t.services.config.dataDir) });
    await expect(personalTokenFor(await contextOf(t, owner), { name: 'nightly-sync' }).then(() => null)).resolves.toBeNull();
    await expect(personalTokenFor(await contextOf(t, owner, underOtherKey), { name: 'nightly-sync' })).rejects.toMatchObject({ key: 'conflict' });
    expect((await items(`Token ${token}`)).statusCode).toBe(200);
  });
});
