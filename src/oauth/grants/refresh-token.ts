import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type ProviderType from 'oidc-provider';
import { auditGrantEvent, type GrantDeps } from './shared.js';

/**
 * refresh_token (seed 002), oidc-provider's own grant. Every refresh answers a new refresh token (rotation); an
 * already-rotated one presented again revokes the whole grant.
 */
export const refreshTokenConfiguration: Configuration = {
  rotateRefreshToken: true,
  // Every client allowed the refresh_token grant gets one (seed 002's apps always do), offline_access or not.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
};

/** Its tokens are audited (`token.issued`) at every refresh. */
export function registerRefreshTokenGrant(provider: ProviderType, deps: GrantDeps): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc?.params?.grant_type === 'refresh_token') void auditGrantEvent(deps, ctx, 'token.issued').catch(() => {});
  });
}
