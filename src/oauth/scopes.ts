import { ALIAS_SCOPES, CANONICAL_SCOPES, OIDC_SCOPES, UnknownScopeError, narrowScopes, parseScopes, scopesOfRights } from '../access/scopes.js';
import type { UserState } from '../auth/principal.js';

/** Every scope the authorization server accepts: identity, canonical, then the aliases. */
export const ALL_PROVIDER_SCOPES: readonly string[] = [...new Set([...OIDC_SCOPES, ...CANONICAL_SCOPES, ...ALIAS_SCOPES])];

export class ScopeError extends Error {}

/**
 * What a user may get of the scopes asked for: unknown scopes are an error (invalid_scope); scopes beyond the
 * user's rights are dropped (a token never carries a scope its user lacks). No scope asked: the user's own rights.
 */
export function grantableScopes(requested: string | undefined, user: UserState, fallback?: string): string[] {
  const list = (requested ?? fallback ?? '').split(' ').filter(Boolean);
  try {
    parseScopes(list);
  } catch (err) {
    if (err instanceof UnknownScopeError) throw new ScopeError(err.message);
    throw err;
  }
  if (!list.length) return scopesOfRights(user.rights);
  const identity = list.filter((s) => (OIDC_SCOPES as readonly string[]).includes(s));
  return [...new Set([...identity, ...narrowScopes(list, user.rights, user.superuser, user.superuser)])];
}
