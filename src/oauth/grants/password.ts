import type { KoaContextWithOIDC } from 'oidc-provider';
import type ProviderType from 'oidc-provider';
import { ApiError } from '../../http/errors.js';
import { passwordStep } from '../../modules/session/login.js';
import { errors } from '../engine.js';
import { grantableScopes } from '../scopes.js';
import { auditIssued, wantScopeError, type GrantDeps } from './shared.js';
import { issueUserTokens } from './user-tokens.js';

/**
 * password (legacy, seed 003): only for clients an admin switched it on for. The password is checked by the login
 * service's password step, so the lockout is the one of every other login. Like Basic, it asks for no PIN: seed
 * 003's request has no field for one.
 */
export function registerPasswordGrant(provider: ProviderType, deps: GrantDeps): void {
  const { services, clients } = deps;
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
        userId = (await passwordStep(services.machinery, params.username, params.password, ctx.ip)).id;
      } catch (err) {
        if (err instanceof ApiError && err.key === 'rate_limited') throw new errors.InvalidGrant('too many failed attempts; try again later');
        if (err instanceof ApiError && err.key === 'user.disabled') throw new errors.InvalidGrant('the user is disabled');
        if (err instanceof ApiError) throw new errors.InvalidGrant('invalid username or password');
        throw err;
      }
      services.users.invalidate(userId);
      const user = await services.users.get(userId);
      if (!user || !user.active) throw new errors.InvalidGrant('the user is disabled');
      if (row.accountId !== null && row.accountId !== user.accountId) throw new errors.InvalidGrant('invalid username or password');
      let scope: string[] = [];
      try {
        scope = grantableScopes(params.scope, user, row.scope || undefined);
      } catch (err) {
        wantScopeError(err);
      }
      const issued = await issueUserTokens(provider, client, user.id, scope, 'password');
      auditIssued(deps, ctx, user, 'password');
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
