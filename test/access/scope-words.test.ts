import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeScope } from '../../src/access/scope-words.js';
import { ALIAS_SCOPES, CANONICAL_SCOPES, OIDC_SCOPES } from '../../src/access/scopes.js';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { Browser } from '../helpers/flow.js';
import { basic, request } from '../helpers/request.js';

/**
 * One scope vocabulary (src/access/scope-words.ts): the consent page, the OpenAPI document and the token manager's
 * list (`GET /api/user/scopes/`) say the same words for every scope.
 */
let t: TestApp;
let base: string;
let su: TestUser;
const DEFAULT_CLIENT = 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6';
const SOME_ALIASES = ['orders', 'inventories', 'g:read', 'a:staff', 'r:view:part', 'basic:update', 'shop.products.publishing'];

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  // A superuser: every scope is within its rights, so the consent page lists every scope asked for.
  su = await (await makeAccount(t)).user({ group: 'owner', superuser: true });
});
afterAll(() => t?.close());

const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

/** Signs in at the authorization endpoint asking for `scope`, and reads the consent page's list: scope → words. */
async function consentWords(scope: string): Promise<Record<string, string>> {
  const b = new Browser();
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: DEFAULT_CLIENT,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1/callback',
    scope,
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const { url } = await b.follow(await b.get(`${base}/o/authorize?${query}`), base);
  const uid = url.split('/').pop()!;
  const { res } = await b.follow(await b.post(`${base}/o/login/${uid}/login`, { login: su.username, password: su.password }), base);
  const html = await res.text();
  expect(html).toContain('class="scopes"');
  const words: Record<string, string> = {};
  for (const m of html.matchAll(/<li><strong>([^<]*)<\/strong> <code>([^<]*)<\/code><\/li>/g)) words[unescape(m[2]!)] = unescape(m[1]!);
  return words;
}

describe('one scope vocabulary', () => {
  it('the consent page, the OpenAPI document and GET /api/user/scopes/ say the same words for every scope', async () => {
    const res = await request(t, { method: 'GET', url: '/api/user/scopes/', headers: { authorization: basic(su.username, su.password) } });
    const listed = res.json<{ scope: string; description: string }[]>();
    const api = Object.fromEntries(listed.map((s) => [s.scope, s.description]));
    const doc = (await request(t, { method: 'GET', url: '/api/schema/' })).json();
    const flows = doc.components.securitySchemes.oauth2.flows;
    const consent = await consentWords(['openid', 'profile', 'email', ...CANONICAL_SCOPES, ...SOME_ALIASES].join(' '));

    // Every canonical scope, in all three, in the same words.
    for (const scope of CANONICAL_SCOPES) {
      const words = describeScope(scope);
      expect(words).not.toBe(scope);
      expect({ scope, words: api[scope] }).toEqual({ scope, words });
      expect({ scope, words: flows.authorizationCode.scopes[scope] }).toEqual({ scope, words });
      expect({ scope, words: flows.clientCredentials.scopes[scope] }).toEqual({ scope, words });
      expect({ scope, words: flows.password.scopes[scope] }).toEqual({ scope, words });
      expect({ scope, words: consent[scope] }).toEqual({ scope, words });
    }
    // The identity scopes: the token manager's list and the OpenAPI document (authorization code) say them all;
    // the consent page those it asks about.
    for (const scope of OIDC_SCOPES) {
      const words = describeScope(scope);
      expect({ scope, words: api[scope] }).toEqual({ scope, words });
      expect({ scope, words: flows.authorizationCode.scopes[scope] }).toEqual({ scope, words });
    }
    for (const scope of ['openid', 'profile', 'email']) expect({ scope, words: consent[scope] }).toEqual({ scope, words: describeScope(scope) });
    // Aliases on the consent page: in the vocabulary's words, which describe what they grant.
    for (const scope of SOME_ALIASES) expect({ scope, words: consent[scope] }).toEqual({ scope, words: describeScope(scope) });
    // Nothing anywhere in other words.
    for (const [scope, words] of [
      ...Object.entries(api),
      ...Object.entries(consent),
      ...Object.entries(flows.authorizationCode.scopes as Record<string, string>),
    ])
      expect({ scope, words }).toEqual({ scope, words: describeScope(scope) });
  });

  it('every scope the server accepts has words of its own, and an alias is described by what it grants', () => {
    for (const scope of [...OIDC_SCOPES, ...CANONICAL_SCOPES, ...ALIAS_SCOPES]) {
      expect(describeScope(scope)).not.toBe(scope);
      expect(describeScope(scope)).toMatch(/^[A-Z]/);
    }
    expect(describeScope('products:read')).toBe('Read products');
    expect(describeScope('orders')).toBe('Read, create, change and delete orders');
    expect(describeScope('inventories')).toBe('Read warehouses; read, create, change and delete stock');
    expect(describeScope('shop.products.publishing')).toBe('Read and change products');
    expect(describeScope('no-such-scope')).toBe('no-such-scope');
  });
});
