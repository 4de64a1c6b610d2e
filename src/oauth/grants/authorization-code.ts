import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type ProviderType from 'oidc-provider';
import { auditGrantEvent, type GrantDeps } from './shared.js';

/**
 * Authorization code + PKCE (S256 required), oidc-provider's own grant. The user signs in and consents on the
 * interaction pages (../interactions/), which oidc-provider sends to `/o/login/{uid}`.
 */
export const authorizationCodeConfiguration: Configuration = {
  responseTypes: ['code'],
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/o/login/${interaction.uid}` },
};

/** Its tokens are audited (`token.issued`) when the code is exchanged. */
export function registerAuthorizationCodeGrant(provider: ProviderType, deps: GrantDeps): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc?.params?.grant_type === 'authorization_code') void auditGrantEvent(deps, ctx, 'token.issued').catch(() => {});
  });
}
