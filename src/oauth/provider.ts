import type { KoaContextWithOIDC, Configuration } from 'oidc-provider';
import type ProviderType from 'oidc-provider';
import { Provider, errors } from './engine.js';
import type { Services } from '../services.js';
import { serverKey } from '../services.js';
import { secretMatches } from '../auth/secrets.js';
import { verifyLogin } from '../auth/schemes/basic.js';
import { ApiError } from '../http/errors.js';
import { adapterFactory } from './adapter.js';
import { ClientStore, ensureDefaultClient } from './clients.js';
import { signingKeys } from './keys.js';
import { ALL_PROVIDER_SCOPES, ScopeError, grantableScopes } from './scopes.js';
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

/** Builds the oidc-provider instance for an issuer, on our storage. */
export async function createProvider(services: Services, clients: ClientStore, issuer: string): Promise<ProviderType> {
  const { db, bus, users } = services;
  await ensureDefaultClient(db);
  const keys = await signingKeys(db);
  const cookieKey = (await serverKey(db, 'oidc-cookies')).toString('base64url');
  const clientTtl = (clientId: string | undefined, field: 'accessTokenTtl' | 'refreshTokenTtl') => (clientId && clients.peek(clientId)?.[field]) || undefined;

  const configuration: Configuration = {
    adapter: adapterFactory(db, bus, clients),
    clients: [],
    jwks: { keys: keys as never },
    cookies: { keys: [cookieKey], long: { signed: true }, short: { signed: true } },
    scopes: [...ALL_PROVIDER_SCOPES],
    // Discovery advertises exactly these. Client secrets are stored only as SHA-256, so client_secret_jwt (which
    // needs the secret itself as an HMAC key) cannot work, and apps cannot register keys for private_key_jwt.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'] },
    routes: PATHS,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
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
    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    interactions: { url: (_ctx, interaction) => `/o/login/${interaction.uid}` },
    ttl: {
      AccessToken: (_ctx, token, client) => {
        if (gtyIncludes(token as never, 'password')) return TTL.password;
        if (gtyIncludes(token as never, 'qm_app')) return TTL.appToken;
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
    // Every client allowed the refresh_token grant gets one (seed 002's apps always do), offline_access or not.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
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
  } as never;

  // RFC 6749 §5.2: a grant type the client may not use is `unauthorized_client` (oidc-provider says invalid_request).
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (ctx.status === 400 && body?.error === 'invalid_request' && body.error_description === 'requested grant type is not allowed for this client') {
      body.error = 'unauthorized_client';
    }
  });

  // Auth events in the audit trail (SPEC §5): tokens issued by the built-in grants, grants revoked.
  // (client_credentials and password write their own entries.) Never a token value.
  const auditFor = async (ctx: KoaContextWithOIDC, event: 'token.issued' | 'token.revoked') => {
    const sub = ctx.oidc?.entities?.Account?.accountId ?? (ctx.oidc?.entities?.RefreshToken as { accountId?: string } | undefined)?.accountId;
    const user = sub && /^\d+$/.test(sub) ? await users.get(Number(sub)) : null;
    const detail = { grant_type: ctx.oidc?.params?.grant_type as string | undefined, client_id: ctx.oidc?.client?.clientId };
    services.audit.write({
      accountId: user?.accountId ?? null,
      userId: user?.id ?? null,
      username: user?.username ?? null,
      event,
      credentialKind: 'oauth',
      ip: ctx.ip,
      detail,
    });
  };
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const gt = ctx.oidc?.params?.grant_type;
    if (gt === 'authorization_code' || gt === 'refresh_token') void auditFor(ctx, 'token.issued').catch(() => {});
  });
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC) => void auditFor(ctx, 'token.revoked').catch(() => {}));

  registerGrants(provider, services, clients);
  return provider;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function wantScopeError(err: unknown): never {
  if (err instanceof ScopeError) throw new errors.InvalidScope('requested scope is not known', err.message.replace(/^unknown scope "|"$/g, ''));
  throw err;
}

function registerGrants(provider: ProviderType, services: Services, clients: ClientStore) {
  const { users } = services;

  // client_credentials (seed 001): the client acts as its integration user; scopes narrowed to that user's rights.
  provider.registerGrantType(
    'client_credentials',
    async (ctx: KoaContextWithOIDC) => {
      const client = ctx.oidc.client!;
      const row = await clients.get(client.clientId);
      if (!row?.integrationUserId) throw new errors.UnauthorizedClient('this client has no integration user');
      const user = await users.get(row.integrationUserId);
      if (!user || !user.active) throw new errors.InvalidGrant('the integration user is disabled');
      const requested = ctx.oidc.params!.scope as string | undefined;
      let scope: string[] = [];
      if (requested) {
        try {
          scope = grantableScopes(requested, user);
        } catch (err) {
          wantScopeError(err);
        }
        const allowed = new Set((client.scope ?? '').split(' '));
        scope = scope.filter((s) => allowed.has(s));
      }
      const token = new provider.ClientCredentials({ client, scope: scope.join(' ') || undefined });
      ctx.oidc.entity('ClientCredentials', token);
      const value = await token.save();
      services.audit.write({
        accountId: user.accountId,
        userId: user.id,
        username: user.username,
        event: 'token.issued',
        credentialKind: 'oauth',
        ip: ctx.ip,
        detail: { grant_type: 'client_credentials', client_id: client.clientId },
      });
      ctx.body = { access_token: value, token_type: 'bearer', expires_in: token.expiration, ...(token.scope ? { scope: token.scope } : {}) };
    },
    ['scope'],
  );

  // password (legacy, seed 003): only for clients an admin switched it on for.
  provider.registerGrantType(
    'password',
    async (ctx: KoaContextWithOIDC) => {
      const client = ctx.oidc.client!;
      const row = await clients.get(client.clientId);
      if (!row?.allowPasswordGrant || !row.secretHash) throw new errors.UnauthorizedClient('the password grant is not enabled for this client');
      const params = ctx.oidc.params as Record<string, string | undefined>;
      if (!params.username || !params.password) throw new errors.InvalidRequest('username and password are required');
      let userId: number;
      try {
        userId = (await verifyLogin(services.machinery, params.username, params.password, ctx.ip)).id;
      } catch (err) {
        if (err instanceof ApiError && err.key === 'rate_limited') throw new errors.InvalidGrant('too many failed attempts; try again later');
        if (err instanceof ApiError) throw new errors.InvalidGrant('invalid username or password');
        throw err;
      }
      users.invalidate(userId);
      const user = await users.get(userId);
      if (!user || !user.active) throw new errors.InvalidGrant('the user is disabled');
      if (row.accountId !== null && row.accountId !== user.accountId) throw new errors.InvalidGrant('invalid username or password');
      let scope: string[] = [];
      try {
        scope = grantableScopes(params.scope, user, row.scope || undefined);
      } catch (err) {
        wantScopeError(err);
      }
      const issued = await issueUserTokens(provider, client, user.id, scope, 'password');
      services.audit.write({
        accountId: user.accountId,
        userId: user.id,
        username: user.username,
        event: 'token.issued',
        credentialKind: 'oauth',
        ip: ctx.ip,
        detail: { grant_type: 'password', client_id: client.clientId },
      });
      ctx.body = {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        refresh_token: issued.refreshToken,
        scope: scope.join(' '),
      };
    },
    ['username', 'password', 'scope'],
  );
}

/** A grant with an access token and a refresh token for a user (password grant and the token manager). */
export async function issueUserTokens(
  provider: ProviderType,
  client: InstanceType<ProviderType['Client']>,
  userId: number,
  scope: string[],
  gty: 'password' | 'qm_app',
) {
  const grant = new provider.Grant({ accountId: String(userId), clientId: client.clientId });
  if (scope.length) grant.addOIDCScope(scope.join(' '));
  const grantId = await grant.save();
  const at = new provider.AccessToken({ accountId: String(userId), client, grantId, scope: scope.join(' '), gty });
  const accessToken = await at.save();
  const rt = new provider.RefreshToken({ accountId: String(userId), client, grantId, scope: scope.join(' '), gty, rotations: 0 });
  const refreshToken = await rt.save();
  return { accessToken, refreshToken, grantId, expiresIn: at.expiration, refreshExpiresAt: rt.expiration ? new Date(Date.now() + rt.expiration * 1000) : null };
}
