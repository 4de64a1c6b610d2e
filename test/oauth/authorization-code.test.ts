import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp } from '../helpers/oauth.js';
import { form, FORM } from '../helpers/request.js';
import { Browser, authorize } from '../helpers/flow.js';

let t: TestApp;
let base: string;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let owner: Awaited<ReturnType<typeof acc.user>>;
let staff: Awaited<ReturnType<typeof acc.user>>;
let web: Awaited<ReturnType<typeof createApp>>;
type Json = any;
const REDIRECT = 'http://127.0.0.1:9/cb';
const DEFAULT_CLIENT = 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6';

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner', pin: '4321' });
  staff = await acc.user({ group: 'staff' });
  web = await createApp(t, owner, { name: 'Web shop', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [REDIRECT] });
});
afterAll(() => t?.close());

async function discover(clientId: string, secret?: string | null) {
  return oidc.discovery(new URL(base), clientId, secret ?? undefined, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

async function start(config: oidc.Configuration, scope: string, redirect = REDIRECT) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirect,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  return { verifier, state, url: url.toString() };
}

describe('OpenID Connect discovery and JWKS', () => {
  it('publishes discovery at /.well-known/openid-configuration with the issuer as served, and a JWKS', async () => {
    const res = await fetch(`${base}/.well-known/openid-configuration`);
    const doc = (await res.json()) as Json;
    expect(doc.issuer).toBe(base);
    expect(doc.token_endpoint).toBe(`${base}/o/token`);
    expect(doc.authorization_endpoint).toBe(`${base}/o/authorize`);
    expect(doc.jwks_uri).toBe(`${base}/o/jwks`);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.grant_types_supported).not.toContain('implicit');
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'products:read', 'a:superuser', 'r:view:part', 'orders']));
    const jwks = (await (await fetch(doc.jwks_uri)).json()) as Json;
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });
});

describe('authorization code + PKCE (openid-client)', () => {
  it('confidential client: login → PIN → consent → code → tokens with id_token, userinfo, refresh; the API accepts the token', async () => {
    const config = await discover(web.client_id, web.client_secret);
    const s = await start(config, 'openid profile email offline_access products:read orders:read');
    const b = new Browser();
    const cb = await authorize(b, base, s.url, { login: owner.email, password: owner.password, pin: '4321' });
    expect(cb.startsWith(REDIRECT)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(cb), { pkceCodeVerifier: s.verifier, expectedState: s.state });
    expect(tokens.id_token).toBeDefined();
    expect(tokens.claims()!.sub).toBe(String(owner.id));
    expect(tokens.refresh_token).toBeDefined();
    expect(tokens.scope!.split(' ')).toEqual(expect.arrayContaining(['products:read', 'orders:read']));
    const info = await oidc.fetchUserInfo(config, tokens.access_token, String(owner.id));
    expect(info).toMatchObject({ sub: String(owner.id), preferred_username: owner.username, email: owner.email });
    const items = await fetch(`${base}/api/v1/Item`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(items.status).toBe(200);
    const write = await fetch(`${base}/api/v1/Item`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: '{"shortID":"X"}',
    });
    expect(write.status).toBe(403);
    expect(((await write.json()) as Json).error.key).toBe('scope.wrong');

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    // introspection (RFC 7662) and revocation (RFC 7009): another client, here in another account, learns nothing
    // and revokes nothing.
    const other = await makeAccount(t, 'Other store');
    const otherOwner = await other.user({ group: 'owner' });
    const spy = await createApp(t, otherOwner, { name: 'Spy', grant_types: ['client_credentials'] });
    const spyAuth = { ...FORM, authorization: `Basic ${Buffer.from(`${spy.client_id}:${spy.client_secret}`).toString('base64')}` };
    const spyIntro = await fetch(`${base}/o/introspect/`, { method: 'POST', headers: spyAuth, body: form({ token: refreshed.access_token }) });
    expect(spyIntro.status).toBe(200);
    expect(await spyIntro.json()).toEqual({ active: false });
    await fetch(`${base}/o/revoke/`, { method: 'POST', headers: spyAuth, body: form({ token: refreshed.access_token }) });
    const intro = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(intro.active).toBe(true);
    expect(intro.sub).toBe(String(owner.id));
    await oidc.tokenRevocation(config, refreshed.access_token);
    expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    const after = await fetch(`${base}/api/v1/Item`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as Json).error.key).toBe('token.invalid');
  });

  it('the default public PKCE client (seed 000) works, and scopes are narrowed to the user', async () => {
    const config = await discover(DEFAULT_CLIENT);
    const s = await start(config, 'openid products:read users:delete a:superuser', 'http://127.0.0.1/callback');
    const cb = await authorize(new Browser(), base, s.url, { login: staff.username, password: staff.password });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(cb), { pkceCodeVerifier: s.verifier, expectedState: s.state });
    const scopes = tokens.scope!.split(' ');
    expect(scopes).toContain('products:read');
    expect(scopes).not.toContain('users:delete');
    expect(scopes).not.toContain('a:superuser');
  });

  it('refuses a wrong verifier, a changed redirect URI and a replayed code', async () => {
    const config = await discover(web.client_id, web.client_secret);
    const tokenCall = (fields: Record<string, string>) =>
      fetch(`${base}/o/token/`, {
        method: 'POST',
        headers: { ...FORM, authorization: `Basic ${Buffer.from(`${web.client_id}:${web.client_secret}`).toString('base64')}` },
        body: form(fields),
      });
    const s = await start(config, 'openid products:read');
    const b = new Browser();
    const cb = new URL(await authorize(b, base, s.url, { login: owner.username, password: owner.password, pin: '4321' }));
    const code = cb.searchParams.get('code')!;
    const wrongVerifier = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: oidc.randomPKCECodeVerifier() });
    expect(((await wrongVerifier.json()) as Json).error).toBe('invalid_grant');

    const s2 = await start(config, 'openid products:read');
    const code2 = new URL(await authorize(b, base, s2.url, { login: owner.username, password: owner.password, pin: '4321' })).searchParams.get('code')!;
    const changed = await tokenCall({ grant_type: 'authorization_code', code: code2, redirect_uri: 'http://127.0.0.1:9/other', code_verifier: s2.verifier });
    expect(((await changed.json()) as Json).error).toBe('invalid_grant');

    const s3 = await start(config, 'openid products:read');
    const code3 = new URL(await authorize(b, base, s3.url, { login: owner.username, password: owner.password, pin: '4321' })).searchParams.get('code')!;
    const ok = await tokenCall({ grant_type: 'authorization_code', code: code3, redirect_uri: REDIRECT, code_verifier: s3.verifier });
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as Json;
    const replay = await tokenCall({ grant_type: 'authorization_code', code: code3, redirect_uri: REDIRECT, code_verifier: s3.verifier });
    expect(((await replay.json()) as Json).error).toBe('invalid_grant');
    // a replayed code revokes what it issued
    const res = await fetch(`${base}/api/v1/Item`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBe(401);
  });

  it('an unregistered redirect URI is refused at the authorization endpoint (no redirect)', async () => {
    const config = await discover(web.client_id, web.client_secret);
    const s = await start(config, 'openid', 'http://127.0.0.1:9/cb/evil');
    const res = await fetch(s.url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('a request without PKCE is refused', async () => {
    const url = `${base}/o/authorize?client_id=${web.client_id}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=openid&state=x`;
    const res = await fetch(url, { redirect: 'manual' });
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
  });

  it('denying consent answers access_denied; wrong passwords show the form again; the account locks after repeated failures', async () => {
    const config = await discover(web.client_id, web.client_secret);
    const s = await start(config, 'openid products:read');
    const denied = new URL(await authorize(new Browser(), base, s.url, { login: owner.username, password: owner.password, pin: '4321' }, 'deny'));
    expect(denied.searchParams.get('error')).toBe('access_denied');

    const victim = await acc.user({ group: 'staff' });
    const b = new Browser();
    const s2 = await start(config, 'openid');
    const { url } = await b.follow(await b.get(s2.url), base);
    const uid = url.split('/').pop()!;
    let last = '';
    for (let i = 0; i < 12; i++) {
      const res = await b.post(`${base}/o/login/${uid}/login`, { login: victim.username, password: 'wrong' });
      last = await res.text();
    }
    expect(last).toContain('Too many failed attempts');
    const right = await b.post(`${base}/o/login/${uid}/login`, { login: victim.username, password: victim.password });
    expect(await right.text()).toContain('Too many failed attempts');
  });

  it("an account's app does not sign in another account's users", async () => {
    const otherAcc = await makeAccount(t, 'Other store');
    const outsider = await otherAcc.user({ group: 'owner' });
    const config = await discover(web.client_id, web.client_secret);
    const s = await start(config, 'openid products:read');
    const b = new Browser();
    const { url } = await b.follow(await b.get(s.url), base);
    const uid = url.split('/').pop()!;
    const res = await b.post(`${base}/o/login/${uid}/login`, { login: outsider.username, password: outsider.password });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('belongs to another account');
  });

  it('an unknown or finished sign-in answers an HTML error page, not a crash', async () => {
    const res = await fetch(`${base}/o/login/not-a-sign-in`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('expired or was already used');
    const post = await fetch(`${base}/o/login/not-a-sign-in/login`, { method: 'POST', headers: FORM, body: form({ login: 'x', password: 'y' }) });
    expect(post.status).toBe(400);
  });
});
