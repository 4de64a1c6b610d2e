import type ProviderType from 'oidc-provider';

/**
 * A grant with an access token and a refresh token for a user, made by us rather than by an oidc-provider grant:
 * the password grant's (`gty` password) and the token manager's (`gty` qm_app). Refreshing them is the ordinary
 * refresh_token grant.
 */
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
