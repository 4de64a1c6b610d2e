import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScopes } from '../../src/access/scopes.js';
import { apiKey, makeAccount, PASSWORD, personalToken, setUser, startTestApp, type TestApp, type TestUser, unique } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

let t: TestApp;
let a: TestUser;
let b: TestUser;
let readOnly: TestUser;
let itemOfB: number;
let itemOfA: number;

beforeAll(async () => {
  t = await startTestApp();
  const accountA = await makeAccount(t, 'A');
  a = await accountA.user();
  readOnly = await accountA.user({ group: 'owner', readOnly: true });
  b = await (await makeAccount(t, 'B')).user();
  const create = async (u: TestUser) =>
    (await request(t, { method: 'POST', url: '/api/v1/Item', auth: basic(u.username, PASSWORD), payload: { shortID: unique('SKU') } })).json().partNo as number;
  itemOfA = await create(a);
  itemOfB = await create(b);
  t.services.authenticator.addBearerResolver(async (token) => {
    if (!token.startsWith('narrow:')) return null;
    return { user: (await t.services.users.get(a.id))!, credential: { kind: 'oauth', id: 7 }, scope: parseScopes(token.slice(7)), clientId: 'shop' };
  });
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object | string) =>
  request(t, { method, url, headers, ...(payload !== undefined ? { payload } : {}) });

describe('crossing accounts', () => {
  it("account A's token, API key and password on account B's item → 404 not_found (read, change, delete)", async () => {
    const { apiKey: key, apiSecret } = await apiKey(t, a);
    for (const authorization of [`Token ${await personalToken(t, a)}`, `token ${key}:${apiSecret}`, basic(a.username, PASSWORD)]) {
      for (const [method, payload] of [['GET'], ['PATCH', { description: 'pwned' }], ['DELETE']] as const) {
        const res = await call(method, `/api/v1/Item/${itemOfB}`, { authorization }, payload);
        expect(res.statusCode, `${method} ${authorization.slice(0, 10)}`).toBe(404);
        expect(res.json().error.key).toBe('not_found');
      }
    }
    const own = await call('GET', `/api/v1/Item/${itemOfB}`, { authorization: basic(b.username, PASSWORD) });
    expect(own.json().description).not.toBe('pwned');
  });
});

describe('scoped (OAuth) credentials', () => {
  it("cannot use 'self' routes: 403 scope.wrong", async () => {
    for (const [method, url] of [
      ['GET', '/api/user/token/'],
      ['POST', '/api/user/tokens/'],
      ['POST', '/api/user/apikey/'],
      ['DELETE', '/api/user/apikey/'],
    ] as const) {
      const res = await call(method, url, { authorization: 'Bearer narrow:products:read' }, method === 'POST' ? { name: 'x' } : undefined);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error).toMatchObject({
        key: 'scope.wrong',
        description: 'Your scope does not allow access here.',
        reason: expect.stringContaining('not an OAuth token'),
      });
    }
  });

  it('get what the scope allows and no more', async () => {
    expect((await call('GET', `/api/v1/Item/${itemOfA}`, { authorization: 'Bearer narrow:products:read' })).statusCode).toBe(200);
    const res = await call('DELETE', `/api/v1/Item/${itemOfA}`, { authorization: 'Bearer narrow:products:read' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({
      key: 'scope.wrong',
      description: 'Your scope does not allow access here.',
      fields: {},
      required_scope: 'products:delete',
    });
  });
});

describe('a read-only user, however the method is spelled', () => {
  const auth = () => ({ authorization: basic(readOnly.username, PASSWORD) });
  const refused = async (res: Awaited<ReturnType<typeof call>>, what: string) => {
    expect(res.statusCode, what).toBe(403);
    expect(res.json().error.key, what).toBe('user.read_only');
  };

  it('POST, PUT, PATCH, DELETE → 403 user.read_only', async () => {
    await refused(await call('POST', '/api/v1/Item', auth(), { shortID: unique('RO') }), 'POST');
    await refused(await call('PUT', `/api/v1/Item/${itemOfA}`, auth(), { description: 'x' }), 'PUT');
    await refused(await call('PATCH', `/api/v1/Item/${itemOfA}`, auth(), { description: 'x' }), 'PATCH');
    await refused(await call('DELETE', `/api/v1/Item/${itemOfA}`, auth()), 'DELETE');
  });

  it('tunnelled: X-HTTP-Method-Override (any case), X-HTTP-Method, X-Method-Override, ?_method=, _method in a form body', async () => {
    const url = `/api/v1/Item/${itemOfA}`;
    for (const [name, value] of [
      ['x-http-method-override', 'DELETE'],
      ['x-http-method-override', 'delete'],
      ['X-HTTP-Method-Override', 'Patch'],
      ['x-http-method', 'PUT'],
      ['x-method-override', 'post'],
    ] as const) {
      await refused(await call('GET', url, { ...auth(), [name]: value }), `${name}: ${value}`);
    }
    await refused(await call('GET', `${url}?_method=DELETE`, auth()), '?_method=DELETE');
    await refused(await call('GET', `${url}?_method=delete`, auth()), '?_method=delete');
    await refused(await call('GET', '/api/v1/Item?_method=POST', auth()), 'list ?_method=POST');
    await refused(
      await call('POST', '/api/v1/Item', { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, `_method=DELETE&shortID=${unique('F')}`),
      'form _method',
    );
    // The item is still there.
    expect((await call('GET', url, auth())).statusCode).toBe(200);
  });

  it('safe overrides are still reads', async () => {
    expect((await call('GET', `/api/v1/Item/${itemOfA}?_method=GET`, auth())).statusCode).toBe(200);
    expect((await call('GET', `/api/v1/Item/${itemOfA}`, { ...auth(), 'x-http-method-override': 'head' })).statusCode).toBe(200);
  });

  it('every credential of a read-only user is read-only (token, API key, session)', async () => {
    const { apiKey: key, apiSecret } = await apiKey(t, readOnly);
    const session = (await call('POST', '/api/auth/login?token=1', {}, { username: readOnly.username, password: PASSWORD })).json().access_token;
    for (const authorization of [`Token ${await personalToken(t, readOnly)}`, `token ${key}:${apiSecret}`, `Bearer ${session}`]) {
      await refused(await call('POST', '/api/v1/Item', { authorization }, { shortID: unique('RO') }), authorization.slice(0, 8));
    }
  });

  it('but may still get and revoke own tokens and generate an API key', async () => {
    const tok = await call('GET', '/api/user/token/?name=ro', auth());
    expect(tok.statusCode).toBe(200);
    const created = await call('POST', '/api/user/tokens/', auth(), { name: unique('ro') });
    expect(created.statusCode).toBe(201);
    expect((await call('DELETE', `/api/user/tokens/${created.json().id}`, auth())).statusCode).toBe(204);
    expect((await call('POST', '/api/user/apikey/', auth())).statusCode).toBe(201);
  });
});

describe('malformed Authorization headers → 401 with a key, never 500', () => {
  const cases: [string, string, string][] = [
    ['Basic !!!', 'Basic !!!', 'credentials.invalid'],
    ['Basic not base64', 'Basic @@@@====', 'credentials.invalid'],
    ['Basic without a colon', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'credentials.invalid'],
    ['Basic with an empty user', `Basic ${Buffer.from(':password').toString('base64')}`, 'credentials.invalid'],
    ['Basic alone', 'Basic', 'credentials.invalid'],
    ['Token alone', 'Token', 'credentials.invalid'],
    ['Token with spaces only', 'Token    ', 'credentials.invalid'],
    ['Token junk', 'Token junk', 'token.invalid'],
    ['token with a junk key:secret', 'token a:b', 'credentials.invalid'],
    ['token with an empty key', 'token :secret', 'token.invalid'],
    ['Bearer junk', 'Bearer junk.junk.junk', 'token.invalid'],
    ['Bearer with a made-up session token', `Bearer qm_ses_${'A'.repeat(38)}`, 'token.invalid'],
    ['unknown scheme', 'Digest username="admin"', 'credentials.invalid'],
    ['no scheme', 'qm_pat_xxx', 'credentials.invalid'],
    ['huge Token', `Token ${'x'.repeat(64 * 1024)}`, 'credentials.invalid'],
    ['huge Basic', `Basic ${Buffer.from(`${'u'.repeat(40_000)}:${'p'.repeat(40_000)}`).toString('base64')}`, 'credentials.invalid'],
    ['control characters', `Token qm_pat_\u0001\u0002`, 'token.invalid'],
  ];
  for (const [name, header, key] of cases) {
    it(name, async () => {
      const res = await request(t, { method: 'GET', url: '/api/v1/Item', auth: header });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { key, description: expect.any(String), fields: {} } });
      expect(res.headers['www-authenticate']).toBeDefined();
    });
  }
});

describe('disabling a user', () => {
  it('refuses its existing token, API key and cached password on the very next request', async () => {
    const u = await (await makeAccount(t, 'Soon disabled')).user();
    const token = await personalToken(t, u);
    const { apiKey: key, apiSecret } = await apiKey(t, u);
    const headers = [`Token ${token}`, `token ${key}:${apiSecret}`, basic(key, apiSecret), basic(u.username, PASSWORD)];
    for (const authorization of headers) expect((await call('GET', '/api/user/me/', { authorization })).statusCode).toBe(200);
    await setUser(t, u.id, { isActive: false });
    for (const authorization of headers) {
      const res = await call('GET', '/api/user/me/', { authorization });
      expect(res.statusCode, authorization.slice(0, 8)).toBe(401);
      expect(res.json().error.key).toBe('user.disabled');
    }
    await setUser(t, u.id, { isActive: true });
    expect((await call('GET', '/api/user/me/', { authorization: `Token ${token}` })).statusCode).toBe(200);
  });

  it('a revoked token says token.invalid; an expired one token.expired', async () => {
    const expired = await personalToken(t, a, unique('old'), new Date(Date.now() - 1));
    expect((await call('GET', '/api/v1/Item', { authorization: `Token ${expired}` })).json().error.key).toBe('token.expired');
    const created = (await call('POST', '/api/user/tokens/', { authorization: basic(a.username, PASSWORD) }, { name: unique('rev') })).json();
    await call('DELETE', `/api/user/tokens/${created.id}`, { authorization: basic(a.username, PASSWORD) });
    expect((await call('GET', '/api/v1/Item', { authorization: `Token ${created.token}` })).json().error.key).toBe('token.invalid');
  });
});
