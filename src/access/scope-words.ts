import { ACTION_BIT, RULESETS, type Action, type Ruleset } from './permissions.js';
import { CANONICAL_SCOPES, OIDC_SCOPES, parseScopes } from './scopes.js';

/**
 * The words for every scope, in one place: the consent page, the OpenAPI document's OAuth scopes and the token
 * manager (through `GET /api/user/scopes/`) all say what a scope allows with `describeScope`.
 *
 * Identity scopes and `a:superuser` have their own sentence; every other scope (canonical or alias) is described by
 * the rights it grants, so an alias and the canonical scopes it expands to can never be described differently.
 */

/** What each identity scope lets a client do. */
export const IDENTITY_WORDS: Readonly<Record<(typeof OIDC_SCOPES)[number], string>> = {
  openid: 'Know who you are',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are away (refresh tokens)',
};

const SPECIAL_WORDS: Readonly<Record<string, string>> = {
  ...IDENTITY_WORDS,
  'a:superuser': 'Do everything you can do, including server administration',
};

/** The thing a ruleset's rights are about, as a person says it. */
const RESOURCE_WORDS: Readonly<Record<Ruleset, string>> = {
  item: 'products',
  category: 'categories',
  warehouse: 'warehouses',
  stock: 'stock',
  order: 'orders',
  customer: 'customers',
  report: 'reports',
  user: 'users',
  app: 'apps',
};

const VERBS: [Action, string][] = [
  ['view', 'read'],
  ['add', 'create'],
  ['change', 'change'],
  ['delete', 'delete'],
];

function listed(verbs: string[]): string {
  if (verbs.length <= 1) return verbs.join('');
  return `${verbs.slice(0, -1).join(', ')} and ${verbs.at(-1)!}`;
}

/** A scope in plain words ("Read products"; an unknown scope is answered as itself). */
export function describeScope(scope: string): string {
  const special = SPECIAL_WORDS[scope];
  if (special) return special;
  let grant;
  try {
    grant = parseScopes([scope]);
  } catch {
    return scope;
  }
  const parts: string[] = [];
  for (const rs of RULESETS) {
    const verbs = VERBS.filter(([a]) => grant.rights[rs] & ACTION_BIT[a]).map(([, v]) => v);
    if (verbs.length) parts.push(`${listed(verbs)} ${RESOURCE_WORDS[rs]}`);
  }
  const text = parts.join('; ');
  return text ? text[0]!.toUpperCase() + text.slice(1) : scope;
}

/** Scope → words, for a list of scopes (by default every canonical scope). */
export function scopeWords(scopes: readonly string[] = CANONICAL_SCOPES): Record<string, string> {
  return Object.fromEntries(scopes.map((s) => [s, describeScope(s)]));
}
