import { ACTION_BIT, ALL_ACTIONS, RULESETS, emptyRights, type Action, type Rights, type Ruleset } from './permissions.js';

/**
 * OAuth scopes. The canonical form is `<resource>:<action>` (seed 002: `orders:read`, `products:update`); the seed
 * vocabularies are accepted as aliases and expanded through the one table below.
 */
export const RESOURCE_OF: Readonly<Record<Ruleset, string>> = {
  item: 'products',
  category: 'categories',
  warehouse: 'warehouses',
  stock: 'inventories',
  order: 'orders',
  customer: 'customers',
  report: 'reports',
  user: 'users',
  app: 'apps',
};
export const SCOPE_ACTION_OF: Readonly<Record<Action, string>> = { view: 'read', add: 'create', change: 'update', delete: 'delete' };

const RULESET_OF_RESOURCE = new Map(Object.entries(RESOURCE_OF).map(([rs, res]) => [res, rs as Ruleset]));
const ACTION_OF_SCOPE_ACTION = new Map(Object.entries(SCOPE_ACTION_OF).map(([a, s]) => [s, a as Action]));

/** The scope a route declaration `{ruleset, action}` needs. */
export function scopeFor(ruleset: Ruleset, action: Action): string {
  return `${RESOURCE_OF[ruleset]}:${SCOPE_ACTION_OF[action]}`;
}

/** Every canonical rights scope, in a stable order. */
export const CANONICAL_SCOPES: readonly string[] = RULESETS.flatMap((rs) => (['view', 'add', 'change', 'delete'] as const).map((a) => scopeFor(rs, a)));

/** Identity scopes: they grant no data rights. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** InvenTree's ruleset names (seed 000's `r:<action>:<role>`) as ours. */
const INVENTREE_RULESETS: Record<string, Ruleset[]> = {
  part: ['item'],
  part_category: ['category'],
  stock: ['stock'],
  stock_location: ['warehouse'],
  sales_order: ['order'],
  purchase_order: ['order'],
  return_order: ['order'],
  build: ['stock'],
  admin: ['user', 'app'],
};

const readAll = Object.fromEntries(RULESETS.map((rs) => [rs, ACTION_BIT.view])) as Record<Ruleset, number>;

/** Seed 003's coarse legacy scopes and seed 002's `basic:*`, each mapped to canonical rights. */
const LEGACY: Record<string, Partial<Record<Ruleset, number>>> = {
  products: { item: ALL_ACTIONS },
  'shop.products.publishing': { item: ACTION_BIT.view | ACTION_BIT.change },
  images: { item: ACTION_BIT.view | ACTION_BIT.change },
  tax_types: { item: ACTION_BIT.view },
  categories: { category: ALL_ACTIONS },
  customers: { customer: ALL_ACTIONS },
  inventories: { stock: ALL_ACTIONS, warehouse: ACTION_BIT.view },
  orders: { order: ALL_ACTIONS },
  'basic:read': { warehouse: ACTION_BIT.view, category: ACTION_BIT.view },
  'basic:create': { warehouse: ACTION_BIT.add, category: ACTION_BIT.add },
  'basic:update': { warehouse: ACTION_BIT.change, category: ACTION_BIT.change },
  'basic:delete': { warehouse: ACTION_BIT.delete, category: ACTION_BIT.delete },
  'g:read': readAll,
};

/** What a set of scopes allows: data rights, plus the administrative flags of seed 000. */
export interface ScopeGrant {
  rights: Rights;
  superuser: boolean;
  staff: boolean;
  /** The scope strings as granted (canonical and aliases as requested), for display and `scope` responses. */
  scopes: readonly string[];
}

export class UnknownScopeError extends Error {
  constructor(readonly scope: string) {
    super(`unknown scope "${scope}"`);
  }
}

/** Expands one scope into rights; returns false for identity scopes, throws for unknown ones. */
function addScope(rights: Record<Ruleset, number>, scope: string, flags: { superuser: boolean; staff: boolean }): void {
  if ((OIDC_SCOPES as readonly string[]).includes(scope)) return;
  if (scope === 'a:superuser') {
    flags.superuser = true;
    flags.staff = true;
    for (const rs of RULESETS) rights[rs] = ALL_ACTIONS;
    return;
  }
  if (scope === 'a:staff') {
    flags.staff = true;
    rights.user |= ALL_ACTIONS;
    rights.app |= ALL_ACTIONS;
    return;
  }
  const legacy = LEGACY[scope];
  if (legacy) {
    for (const [rs, bits] of Object.entries(legacy)) rights[rs as Ruleset] |= bits;
    return;
  }
  const parts = scope.split(':');
  if (parts.length === 2) {
    const rs = RULESET_OF_RESOURCE.get(parts[0]!);
    const action = ACTION_OF_SCOPE_ACTION.get(parts[1]!);
    if (rs && action) {
      rights[rs] |= ACTION_BIT[action];
      return;
    }
  }
  if (parts.length === 3 && parts[0] === 'r') {
    const action = parts[1] as Action;
    const targets = (RULESETS as readonly string[]).includes(parts[2]!) ? [parts[2] as Ruleset] : INVENTREE_RULESETS[parts[2]!];
    if (ACTION_BIT[action] && targets) {
      for (const rs of targets) rights[rs] |= ACTION_BIT[action];
      return;
    }
  }
  throw new UnknownScopeError(scope);
}

/** Parses a space-separated scope string (RFC 6749 §3.3). Throws UnknownScopeError on anything not in the table. */
export function parseScopes(scope: string | readonly string[]): ScopeGrant {
  const list = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [...scope];
  const rights = emptyRights();
  const flags = { superuser: false, staff: false };
  for (const s of list) addScope(rights, s, flags);
  return { rights, ...flags, scopes: [...new Set(list)] };
}

export function isKnownScope(scope: string): boolean {
  try {
    parseScopes([scope]);
    return true;
  } catch {
    return false;
  }
}

/** The canonical scopes that exactly describe some rights (what a user may put on a token). */
export function scopesOfRights(rights: Rights): string[] {
  const out: string[] = [];
  for (const rs of RULESETS) {
    for (const a of ['view', 'add', 'change', 'delete'] as const) if (rights[rs] & ACTION_BIT[a]) out.push(scopeFor(rs, a));
  }
  return out;
}

/** Drops from `requested` every scope that would give more than `rights` allow (a token never exceeds its user). */
export function narrowScopes(requested: readonly string[], rights: Rights, isSuperuser: boolean, isStaff: boolean): string[] {
  return requested.filter((s) => {
    let g: ScopeGrant;
    try {
      g = parseScopes([s]);
    } catch {
      return false;
    }
    if (g.superuser && !isSuperuser) return false;
    if (g.staff && !isStaff && !isSuperuser) return false;
    return RULESETS.every((rs) => (g.rights[rs] & ~rights[rs]) === 0);
  });
}

/** Every alias the table above accepts (for the authorization server's list of supported scopes). */
export const ALIAS_SCOPES: readonly string[] = [
  'a:superuser',
  'a:staff',
  ...Object.keys(LEGACY),
  ...(['view', 'add', 'change', 'delete'] as const).flatMap((a) => [...RULESETS, ...Object.keys(INVENTREE_RULESETS)].map((rs) => `r:${a}:${rs}`)),
];
