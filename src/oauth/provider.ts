import type { KoaContextWithOIDC, Configuration } from 'oidc-provider';
import type ProviderType from 'oidc-provider';
import { Provider } from './engine.js';
import type { Services } from '../services.js';
import { serverKey } from '../services.js';
import { secretMatches } from '../auth/secrets.js';
import { adapterFactory } from './adapter.js';
import { ClientStore, ensureDefaultClient } from './clients.js';
import { signingKeys } from './keys.js';
import { ALL_PROVIDER_SCOPES } from './scopes.js';
import { grantConfiguration, registerGrants } from './grants/index.js';
import { auditGrantEvent } from './grants/shared.js';
import { LIFETIMES } from '../defaults.js';

/** Token lifetimes in seconds (SPEC §4), from src/defaults.ts. */
export const TTL = {
  clientCredentials: LIFETIMES.clientCredentialsToken,
  password: LIFETIMES.passwordGrantToken,
  appToken: LIFETIMES.appToken,
  accessToken: LIFETIMES.accessToken,
  refreshToken: LIFETIMES.refreshToken,
  authorizationCode: LIFETIMES.authorizationCode,
  idToken: LIFETIMES.idToken,
};

export const PATHS = {
  authorization: '/o/authorize',
  token: '/o/token',
  userinfo: '/o/userinfo',
  jwks: '/o/jwks',
  revocation: '/o/revoke',
  introspection: '/o/introspect',
  end_session: '/o/logout',
};

export interface OAuthContext {
  provider: ProviderType;
  clients: ClientStore;
  issuer: string;
}

function gtyIncludes(token: { gty?: string }, g: string) {
  return typeof token.gty === 'string' && token.gty.split(' ').includes(g);
}

/**
 * Builds the oidc-provider instance for an issuer, on our storage. The grants are in ./grants/ (one file each), the
 * login and consent pages in ./interactions/.
 */
export async function createProvider(services: Services, clients: ClientStore, issuer: string): Promise<ProviderType> {
  const { db, bus, users } = services;
  await ensureDefaultClient(db);
  const keys = await signingKeys(db);
  const cookieKey = (await serverKey(db, 'oidc-cookies')).toString('base64url');
  const clientTtl = (clientId: string | undefined, field: 'accessTokenTtl' | 'refreshTokenTtl') => (clientId && clients.peek(clientId)?.[field]) || undefined;

  const grants = grantConfiguration();
  const configuration: Configuration = {
    ...grants,
    adapter: adapterFactory(db, bus, clients),
    clients: [],
    jwks: { keys },
    cookies: { keys: [cookieKey], long: { signed: true }, short: { signed: true } },
    scopes: [...ALL_PROVIDER_SCOPES],
    // Discovery advertises exactly these. Client secrets are stored only as SHA-256, so client_secret_jwt (which
    // needs the secret itself as an HMAC key) cannot work, and apps cannot register keys for private_key_jwt.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'] },
    routes: PATHS,
    features: {
      ...grants.features,
      devInteractions: { enabled: false },
      // A client may introspect or revoke only the tokens issued to it (RFC 7009 §2.1): never another client's,
      // and so never another account's.
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      // Not mounted: pushed authorization requests would be advertised at a URL that answers 404.
      pushedAuthorizationRequests: { enabled: false },
      // The API checks bearer tokens itself and does not verify DPoP proofs, so a DPoP-bound token would not be
      // held to its key there: not offered.
      dPoP: { enabled: false },
    },
    ttl: {
      AccessToken: (_ctx, token, client) => {
        if (gtyIncludes(token, 'password')) return TTL.password;
        if (gtyIncludes(token, 'qm_app')) return TTL.appToken;
        return clientTtl(client?.clientId, 'accessTokenTtl') ?? TTL.accessToken;
      },
      ClientCredentials: (_ctx, _token, client) => clientTtl(client?.clientId, 'accessTokenTtl') ?? TTL.clientCredentials,
      RefreshToken: (_ctx, _token, client) => clientTtl(client?.clientId, 'refreshTokenTtl') ?? TTL.refreshToken,
      AuthorizationCode: TTL.authorizationCode,
      IdToken: TTL.idToken,
      Interaction: 3_600,
      Session: LIFETIMES.oauthLoginSession,
      Grant: LIFETIMES.oauthGrant,
    },
    async findAccount(_ctx, sub) {
      const user = /^\d+$/.test(sub) ? await users.get(Number(sub)) : null;
      if (!user || !user.active || user.kind !== 'human') return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, preferred_username: user.username, name: user.username, email: user.email, email_verified: false };
        },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Something went wrong</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p></main></body></html>`;
    },
  };

  const provider = new Provider(issuer, configuration);
  // Forwarded headers are always rewritten from Fastify's trust-aware view before the provider sees a request
  // (OAuthRuntime.adapt), so the provider may read them.
  provider.proxy = true;

  // Clients carry the SHA-256 of their secret as `client_secret`; the presented secret is hashed, then compared in
  // constant time. oidc-provider never holds a usable secret.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return Promise.resolve(!!this.clientSecret && secretMatches(actual, this.clientSecret));
  };

  // RFC 6749 §5.2: a grant type the client may not use is `unauthorized_client` (oidc-provider says invalid_request).
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (ctx.status === 400 && body?.error === 'invalid_request' && body.error_description === 'requested grant type is not allowed for this client') {
      body.error = 'unauthorized_client';
    }
  });

  // Auth events in the audit trail (SPEC §5): each grant audits the tokens it issues; revoked grants here.
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC) => void auditGrantEvent({ services, clients }, ctx, 'token.revoked').catch(() => {}));

  registerGrants(provider, { services, clients });
  return provider;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
