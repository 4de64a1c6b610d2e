import type { Configuration } from 'oidc-provider';
import type ProviderType from 'oidc-provider';
import { authorizationCodeConfiguration, registerAuthorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsConfiguration, registerClientCredentialsGrant } from './client-credentials.js';
import { registerPasswordGrant } from './password.js';
import { refreshTokenConfiguration, registerRefreshTokenGrant } from './refresh-token.js';
import type { GrantDeps } from './shared.js';

export type { GrantDeps } from './shared.js';

/**
 * The grants of the token endpoint, one per file: authorization code + PKCE and refresh token (oidc-provider's,
 * configured here), client credentials and password (ours, registered on the provider). The token manager's tokens
 * are made by `issueUserTokens` (./user-tokens.ts).
 */
export function grantConfiguration() {
  return { ...authorizationCodeConfiguration, ...refreshTokenConfiguration, ...clientCredentialsConfiguration } satisfies Configuration;
}

export function registerGrants(provider: ProviderType, deps: GrantDeps): void {
  registerAuthorizationCodeGrant(provider, deps);
  registerRefreshTokenGrant(provider, deps);
  registerClientCredentialsGrant(provider, deps);
  registerPasswordGrant(provider, deps);
}
