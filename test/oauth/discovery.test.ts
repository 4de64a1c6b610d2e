import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp, setIntegrationUser } from '../helpers/oauth.js';
import { form, FORM } from '../helpers/request.js';

type Json = any;
const DEFAULT_CLIENT = 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6';

let t: TestApp;
let base: string;
let doc: Json;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let owner: Awaited<ReturnType<typeof acc.user>>;
let service: Awaited<ReturnType<typeof createApp>>;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  service = await createApp(t, owner, { name: 'Nightly job', grant_types: ['client_credentials'], scope: 'products:read' });
  await setIntegrationUser(t, service.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups['read-only'].id });
  doc = await (await fetch(`${base}/.well-known/openid-configuration`)).json();
});
afterAll(() => t?.close());

const discover = (clientId: string, secret: string | undefined, auth: oidc.ClientAuth) =>
  oidc.discovery(new URL(base), clientId, secret, auth, { execute: [oidc.allowInsecureRequests] });

describe('discovery lists only what works', () => {
  it('advertises exactly the client authentication methods the server can check', () => {
    expect(doc.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    // Nothing that only the JWT methods would use.
    expect(doc).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
  });

  it('advertises no pushed authorization request endpoint and no DPoP, neither of which the server offers', () => {
    expect(doc).not.toHaveProperty('pushed_authorization_request_endpoint');
    expect(doc).not.toHaveProperty('require_pushed_authorization_requests');
    expect(doc).not.toHaveProperty('dpop_signing_alg_values_supported');
    expect(doc).not.toHaveProperty('end_session_endpoint');
  });

  it('every endpoint it names is mounted (no 404)', async () => {
    const endpoints = Object.entries(doc as Record<string, unknown>).filter(([k, v]) => (k.endsWith('_endpoint') || k === 'jwks_uri') && typeof v === 'string');
    expect(endpoints.map(([k]) => k).sort()).toEqual(
      ['authorization_endpoint', 'introspection_endpoint', 'jwks_uri', 'revocation_endpoint', 'token_endpoint', 'userinfo_endpoint'].sort(),
    );
    for (const [name, url] of endpoints) {
      const get = name === 'jwks_uri' || name === 'authorization_endpoint' || name === 'userinfo_endpoint';
      const res = await fetch(url as string, get ? {} : { method: 'POST', headers: FORM, body: '' });
      expect([name, res.status]).not.toEqual([name, 404]);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('client_secret_basic and client_secret_post both authenticate a client (openid-client)', async () => {
    for (const auth of [oidc.ClientSecretBasic(service.client_secret!), oidc.ClientSecretPost(service.client_secret!)]) {
      const config = await discover(service.client_id, service.client_secret!, auth);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'products:read' });
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      const items = await fetch(`${base}/api/v1/Item`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(items.status).toBe(200);
    }
  });

  it('none authenticates a public client by its id (the default PKCE client revokes a token)', async () => {
    const config = await discover(DEFAULT_CLIENT, undefined, oidc.None());
    await expect(oidc.tokenRevocation(config, 'not-a-token-of-this-client')).resolves.toBeUndefined();
  });

  it('client_secret_jwt and private_key_jwt, which it does not advertise, are refused with invalid_client', async () => {
    const keys = await oidc.randomDPoPKeyPair('ES256');
    for (const auth of [oidc.ClientSecretJwt(service.client_secret!), oidc.PrivateKeyJwt(keys.privateKey)]) {
      const config = await discover(service.client_id, service.client_secret!, auth);
      const err = await oidc.clientCredentialsGrant(config, { scope: 'products:read' }).then(
        () => null,
        (e: unknown) => e as { error?: string },
      );
      expect(err?.error).toBe('invalid_client');
    }
  });

  it('a DPoP proof is ignored: the token issued is a plain bearer token', async () => {
    const auth = `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}`;
    const res = await fetch(`${base}/o/token`, {
      method: 'POST',
      headers: { ...FORM, authorization: auth, dpop: 'not.a.proof' },
      body: form({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.token_type.toLowerCase()).toBe('bearer');
  });

  it('each advertised grant type is one the server answers for a client allowed it', () => {
    // client_credentials above; authorization_code and refresh_token in authorization-code.test.ts; password and
    // refresh_token in password-refresh.test.ts.
    expect(doc.grant_types_supported.sort()).toEqual(['authorization_code', 'client_credentials', 'password', 'refresh_token']);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
  });
});
