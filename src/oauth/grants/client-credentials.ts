import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type ProviderType from 'oidc-provider';
import { errors } from '../engine.js';
import { grantableScopes } from '../scopes.js';
import { auditIssued, wantScopeError, type GrantDeps } from './shared.js';

/** client_credentials is one of oidc-provider's features; the grant itself is ours (below). */
export const clientCredentialsConfiguration = { features: { clientCredentials: { enabled: true } } } satisfies Configuration;

/**
 * client_credentials (seed 001): the client acts as its integration user; scopes narrowed to that user's rights
 * and to the client's own scope.
 */
export function registerClientCredentialsGrant(provider: ProviderType, deps: GrantDeps): void {
  const { services, clients } = deps;
  provider.registerGrantType(
    'client_credentials',
    async (ctx: KoaContextWithOIDC) => {
      const client = ctx.oidc.client!;
      const row = await clients.get(client.clientId);
      if (!row?.integrationUserId) throw new errors.UnauthorizedClient('this client has no integration user');
      const user = await services.users.get(row.integrationUserId);
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
      auditIssued(deps, ctx, user, 'client_credentials');
      ctx.body = { access_token: value, token_type: 'bearer', expires_in: token.expiration, ...(token.scope ? { scope: token.scope } : {}) };
    },
    ['scope'],
  );
}
