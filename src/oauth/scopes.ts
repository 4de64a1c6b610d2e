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

/** Plain words for the consent page. */
export function describeScope(scope: string): string {
  const words: Record<string, string> = {
    openid: 'Know who you are',
    profile: 'See your name and username',
    email: 'See your email address',
    offline_access: 'Stay signed in (refresh tokens)',
    'a:superuser': 'Act as a superuser: everything',
    'a:staff': 'Manage users and apps',
    'g:read': 'Read all your data',
  };
  if (words[scope]) return words[scope]!;
  const m = /^([a-z_]+):(read|create|update|delete)$/.exec(scope);
  if (m) {
    const verb = { read: 'Read', create: 'Create', update: 'Change', delete: 'Delete' }[m[2] as 'read'];
    return `${verb} ${m[1]!.replace('_', ' ')}`;
  }
  const r = /^r:(view|add|change|delete):(.+)$/.exec(scope);
  if (r) return `${{ view: 'Read', add: 'Create', change: 'Change', delete: 'Delete' }[r[1] as 'view']} ${r[2]!.replace(/_/g, ' ')}`;
  return `Full access to ${scope.replace(/[._]/g, ' ')}`;
}
