import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { CredentialCache, type CacheTrust } from '../../src/auth/cache.js';
import { hashSecret, makeSecret } from '../../src/auth/secrets.js';
import { apiKeys, oauthPayloads, personalTokens } from '../../src/db/schema/index.js';
import { CACHES } from '../../src/defaults.js';
import { apiKey, makeAccount, personalToken, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp, setIntegrationUser } from '../helpers/oauth.js';
import { basic, FORM, request } from '../helpers/request.js';

const policy = (o: Partial<{ max: number; ttlMs: number; negativeMax: number; negativeTtlMs: number }> = {}) => ({
  max: 3,
  ttlMs: 60_000,
  negativeMax: 3,
  negativeTtlMs: 60_000,
  ...o,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the credential cache type', () => {
  it('holds at most `max` entries and, when full, evicts the least recently used one only', () => {
    const c = new CredentialCache<string, { n: number }>(policy());
    c.set('a', { n: 1 });
    c.set('b', { n: 2 });
    c.set('c', { n: 3 });
    expect(c.get('a')).toEqual({ n: 1 }); // a is now the most recently used
    c.set('d', { n: 4 });
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toEqual({ n: 1 });
    expect(c.get('c')).toEqual({ n: 3 });
    expect(c.get('d')).toEqual({ n: 4 });
    expect(c.size).toEqual({ positive: 3, negative: 0 });
  });

  it('forgets positive and negative entries after their TTLs', async () => {
    const c = new CredentialCache<string, { n: number }>(policy({ ttlMs: 40, negativeTtlMs: 120 }));
    c.set('live', { n: 1 });
    c.set('gone', null);
    expect(c.get('live')).toEqual({ n: 1 });
    expect(c.get('gone')).toBeNull();
    await sleep(70);
    expect(c.get('live')).toBeUndefined();
    expect(c.get('gone')).toBeNull();
    await sleep(90);
    expect(c.get('gone')).toBeUndefined();
  });

  it('a flood of unknown secrets fills only the negative side: warm credentials stay', () => {
    const c = new CredentialCache<string, { n: number }>(policy({ max: 2, negativeMax: 2 }));
    c.set('warm', { n: 1 });
    for (let i = 0; i < 1000; i++) c.set(`made-up-${i}`, null);
    expect(c.get('warm')).toEqual({ n: 1 });
    expect(c.size).toEqual({ positive: 1, negative: 2 });
    expect(c.get('made-up-999')).toBeNull();
    expect(c.get('made-up-0')).toBeUndefined();
  });

  it('a negative entry turns positive when the value is stored, and invalidation drops either at once', () => {
    const c = new CredentialCache<string, { n: number }>(policy());
    c.set('k', null);
    expect(c.get('k')).toBeNull();
    c.set('k', { n: 1 });
    expect(c.get('k')).toEqual({ n: 1 });
    c.delete('k');
    expect(c.get('k')).toBeUndefined();
    c.set('k', null);
    c.delete('k');
    expect(c.get('k')).toBeUndefined();
    c.set('x', { n: 1 });
    c.set('y', { n: 2 });
    c.deleteWhere((v) => v.n === 2);
    expect(c.get('x')).toEqual({ n: 1 });
    expect(c.get('y')).toBeUndefined();
  });

  it('load reads once for concurrent askers, and a load overtaken by an invalidation is answered but not kept', async () => {
    const c = new CredentialCache<string, { n: number }>(policy());
    let reads = 0;
    let release!: (v: { n: number }) => void;
    const loader = () => {
      reads++;
      return new Promise<{ n: number }>((r) => (release = r));
    };
    const first = c.load('k', loader);
    const second = c.load('k', loader);
    expect(reads).toBe(1);
    c.delete('k'); // revoked while the database was being read
    release({ n: 1 });
    expect(await first).toEqual({ n: 1 });
    expect(await second).toEqual({ n: 1 });
    expect(c.get('k')).toBeUndefined();
    expect(await c.load('k', async () => ({ n: 2 }))).toEqual({ n: 2 });
    expect(c.get('k')).toEqual({ n: 2 });
  });

  it('serves and stores nothing while its trust has lapsed, and the trust can clear it', () => {
    const registered: { clear(): void }[] = [];
    const trust: CacheTrust & { trustedUntil: number } = { trustedUntil: Number.POSITIVE_INFINITY, register: (c) => registered.push(c) };
    const c = new CredentialCache<string, { n: number }>(policy(), trust);
    expect(registered).toEqual([c]);
    c.set('k', { n: 1 });
    c.set('gone', null);
    trust.trustedUntil = Date.now() - 1;
    expect(c.get('k')).toBeUndefined();
    expect(c.get('gone')).toBeUndefined();
    c.set('later', { n: 2 });
    trust.trustedUntil = Number.POSITIVE_INFINITY;
    expect(c.get('later')).toBeUndefined();
    expect(c.get('k')).toEqual({ n: 1 });
    registered[0]!.clear();
    expect(c.get('k')).toBeUndefined();
  });

  it('every credential cache has a bounded size, a TTL and (but for Basic) a bounded negative side', () => {
    for (const [name, p] of Object.entries(CACHES)) {
      expect(p.max, name).toBeGreaterThan(0);
      expect(p.ttlMs, name).toBeGreaterThan(0);
      expect(p.ttlMs, name).toBeLessThanOrEqual(5 * 60_000);
      if (name !== 'verifiedPasswords') expect(p.negativeMax, name).toBeGreaterThan(0);
    }
    // A wrong password is never remembered: each one must reach the lockout counter.
    expect(CACHES.verifiedPasswords.negativeMax).toBe(0);
  });
});

describe('negative entries in the schemes', () => {
  let t: TestApp;
  beforeAll(async () => {
    // On PostgreSQL the caches are believed only while the listening connection's heartbeat vouches for them (see
    // reconnect.test.ts); a long lease keeps a loaded machine from turning these lookups into database reads.
    t = await startTestApp({ cacheLeaseMs: 10 * 60_000 });
  });
  afterAll(async () => {
    await t.close();
  });

  const items = (authorization: string) => request(t, { method: 'GET', url: '/api/v1/Item', auth: authorization });

  it('a revoked personal token is refused from a negative entry, without a lookup, until its key is invalidated', async () => {
    const acc = await makeAccount(t);
    const u = await acc.user();
    const token = await personalToken(t, u, 'ci');
    expect((await items(`Token ${token}`)).statusCode).toBe(200);
    const [row] = await t.db
      .select()
      .from(personalTokens)
      .where(eq(personalTokens.tokenHash, hashSecret(token)));
    const del = await request(t, { method: 'DELETE', url: `/api/user/tokens/${row!.id}`, auth: basic(u.username, u.password) });
    expect(del.statusCode).toBe(204);
    const refused = await items(`Token ${token}`);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.key).toBe('token.invalid');
    expect(t.services.authenticator.tokens.cache.get(hashSecret(token))).toBeNull();
    // Behind the server's back, the row comes alive again: the negative entry still answers, so no lookup happened.
    await t.db.update(personalTokens).set({ revokedAt: null }).where(eq(personalTokens.id, row!.id));
    expect((await items(`Token ${token}`)).json().error.key).toBe('token.invalid');
    // Announcing the key (as every change to a credential does) makes the next request read the row.
    await t.services.bus.publish({ t: 'credential', hash: hashSecret(token) });
    expect((await items(`Token ${token}`)).statusCode).toBe(200);
  });

  it('a made-up but well-formed token is remembered as unknown; a token created afterwards is accepted at once', async () => {
    const acc = await makeAccount(t);
    const u = await acc.user();
    const madeUp = makeSecret('pat');
    for (let i = 0; i < 2; i++) {
      const res = await items(`Token ${madeUp}`);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.key).toBe('token.invalid');
    }
    expect(t.services.authenticator.tokens.cache.get(hashSecret(madeUp))).toBeNull();
    // The same secret, now stored as a real credential and announced: accepted on the very next request.
    await t.db.insert(personalTokens).values({ accountId: u.accountId, userId: u.id, name: 'late', tokenHash: hashSecret(madeUp), hint: 'qm_pat_late' });
    await t.services.bus.publish({ t: 'credential', hash: hashSecret(madeUp) });
    const ok = await items(`Token ${madeUp}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toHaveProperty('value');
    // And a token issued the ordinary way works on its first use.
    expect((await items(`Token ${await personalToken(t, u)}`)).statusCode).toBe(200);
  });

  it('a revoked API key is refused from a negative entry until the key is invalidated', async () => {
    const acc = await makeAccount(t);
    const u = await acc.user();
    const key = await apiKey(t, u);
    const header = `token ${key.apiKey}:${key.apiSecret}`;
    expect((await items(header)).statusCode).toBe(200);
    const del = await request(t, { method: 'DELETE', url: '/api/user/apikey/', auth: basic(u.username, u.password) });
    expect(del.statusCode).toBeLessThan(300);
    expect((await items(header)).json().error.key).toBe('credentials.invalid');
    expect(t.services.authenticator.apiKeys.cache.get(key.apiKey)).toBeNull();
    await t.db.update(apiKeys).set({ revokedAt: null }).where(eq(apiKeys.apiKey, key.apiKey));
    expect((await items(header)).json().error.key).toBe('credentials.invalid');
    await t.services.bus.publish({ t: 'apikey', key: key.apiKey });
    expect((await items(header)).statusCode).toBe(200);
  });

  it('a revoked OAuth access token is refused from a negative entry until its key is invalidated', async () => {
    const acc = await makeAccount(t);
    const owner = await acc.user({ group: 'owner' });
    const a = await createApp(t, owner, { name: 'Shop', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const issued = await request(t, {
      method: 'POST',
      url: '/api/v1/Token',
      headers: { ...FORM, authorization: basic(a.client_id, a.client_secret!) },
      payload: 'grant_type=client_credentials',
    });
    const token = issued.json().access_token as string;
    expect((await items(`Bearer ${token}`)).statusCode).toBe(200);
    const [stored] = await t.db
      .select()
      .from(oauthPayloads)
      .where(eq(oauthPayloads.key, `ClientCredentials:${hashSecret(token)}`));
    expect(stored).toBeDefined();
    const revoke = await request(t, {
      method: 'POST',
      url: '/o/revoke/',
      headers: { ...FORM, authorization: basic(a.client_id, a.client_secret!) },
      payload: `token=${token}`,
    });
    expect(revoke.statusCode).toBe(200);
    expect((await items(`Bearer ${token}`)).json().error.key).toBe('token.invalid');
    await t.db.insert(oauthPayloads).values(stored!).onConflictDoNothing();
    expect((await items(`Bearer ${token}`)).json().error.key).toBe('token.invalid');
    await t.services.bus.publish({ t: 'credential', hash: hashSecret(token) });
    expect((await items(`Bearer ${token}`)).statusCode).toBe(200);
  });

  it('a revoked session is refused from a negative entry until its key is invalidated', async () => {
    const acc = await makeAccount(t);
    const u = await acc.user();
    const login = await request(t, { method: 'POST', url: '/api/auth/login?token=1', payload: { username: u.username, password: u.password } });
    expect(login.statusCode).toBe(200);
    const session = login.json().access_token as string;
    expect((await items(`Bearer ${session}`)).statusCode).toBe(200);
    const out = await request(t, { method: 'POST', url: '/api/auth/logout', auth: `Bearer ${session}` });
    expect(out.statusCode).toBeLessThan(300);
    expect((await items(`Bearer ${session}`)).json().error.key).toBe('token.invalid');
    expect(t.services.authenticator.sessions.cache.get(hashSecret(session))).toBeNull();
  });
});
