import { ACTION_BIT, RULESETS, type Action } from '../access/permissions.js';
import { RESOURCE_OF, ALIAS_SCOPES, CANONICAL_SCOPES, OIDC_SCOPES, UnknownScopeError, narrowScopes, parseScopes, scopesOfRights } from '../access/scopes.js';
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

const VERBS: [Action, string][] = [
  ['view', 'read'],
  ['add', 'create'],
  ['change', 'change'],
  ['delete', 'delete'],
];

/** Plain words for the consent page, derived from what the scope grants (aliases included). */
export function describeScope(scope: string): string {
  const words: Record<string, string> = {
    openid: 'Know who you are',
    profile: 'See your name and username',
    email: 'See your email address',
    offline_access: 'Stay connected when you are away (refresh tokens)',
    'a:superuser': 'Do everything you can do, including server administration',
  };
  if (words[scope]) return words[scope]!;
  let grant;
  try {
    grant = parseScopes([scope]);
  } catch {
    return scope;
  }
  const parts: string[] = [];
  for (const rs of RULESETS) {
    const verbs = VERBS.filter(([a]) => grant.rights[rs] & ACTION_BIT[a]).map(([, v]) => v);
    if (verbs.length)
      parts.push(
        `${verbs.length === 4 ? 'read, create, change and delete' : verbs.join(verbs.length === 2 ? ' and ' : ', ')} ${RESOURCE_OF[rs].replace('inventories', 'stock')}`,
      );
  }
  const text = parts.join('; ');
  return text ? text[0]!.toUpperCase() + text.slice(1) : scope;
}
