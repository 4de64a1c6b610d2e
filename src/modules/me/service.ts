import { eq } from 'drizzle-orm';
import { ACTIONS, ACTION_BIT, RULESETS, describeRights, emptyRights, type Action, type Rights, type Ruleset } from '../../access/permissions.js';
import type { RequestContext, UserState } from '../../auth/principal.js';
import { accounts } from '../../db/schema/index.js';
import { OIDC_SCOPES, scopesOfRights } from '../../access/scopes.js';
import { describeScope } from '../../access/scope-words.js';

/** The user as the API shows it (login, session, who am I): by default the caller, with their account's name. */
export async function userView(ctx: RequestContext, user: UserState = ctx.principal.user) {
  const [account] = await ctx.db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(eq(accounts.id, user.accountId)).limit(1);
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    account: account ?? { id: user.accountId, name: '' },
    superuser: user.superuser,
    readOnly: user.readOnly,
    kind: user.kind,
    groups: user.groups.map((g) => ({ id: g.id, name: g.name })),
    warehouses: user.warehouses ? [...user.warehouses].sort((a, b) => a - b) : null,
  };
}

/** Who am I: the user, and the credential this request came with (with its scopes when it carries any). */
export async function whoAmI(ctx: RequestContext) {
  const { user, credential, scope } = ctx.principal;
  const view = await userView(ctx, user);
  const rights = effectiveRights(ctx);
  return {
    ...view,
    // InvenTree's user fields (seed 000's /api/user/me/), beside ours.
    pk: user.id,
    first_name: '',
    last_name: '',
    is_staff: isStaff(ctx, rights),
    is_superuser: ctx.superuser,
    is_active: user.active,
    // What this credential may do: a scoped credential without a:superuser does not act as superuser.
    superuser: ctx.superuser,
    credential: { kind: credential.kind, id: credential.id },
    ...(scope ? { scopes: [...scope.scopes] } : {}),
    ...(ctx.principal.clientId ? { clientId: ctx.principal.clientId } : {}),
  };
}

/** What the caller can actually do: read-only users keep only `view`, whatever their groups grant. */
export function effectiveRights(ctx: RequestContext): Rights {
  if (!ctx.readOnly) return ctx.rights;
  const r = emptyRights();
  for (const rs of RULESETS) r[rs] = ctx.rights[rs] & ACTION_BIT.view;
  return r;
}

/** InvenTree's "staff": a superuser, or whoever may change users. */
function isStaff(ctx: RequestContext, rights: Rights): boolean {
  return ctx.superuser || (rights.user & ACTION_BIT.change) !== 0;
}

/**
 * InvenTree's rulesets and the rulesets of ours each needs: an InvenTree role grants an action when every one of
 * ours behind it does. Rulesets we have no counterpart for (builds, purchase, return and transfer orders) are null,
 * as InvenTree shows a role without permissions.
 */
export const INVENTREE_ROLES: Readonly<Record<string, readonly Ruleset[]>> = {
  admin: ['user', 'app'],
  part_category: ['category'],
  part: ['item'],
  stock_location: ['warehouse'],
  stock: ['stock'],
  build: [],
  purchase_order: [],
  sales_order: ['order'],
  return_order: [],
  transfer_order: [],
};

/** InvenTree's per-model permission names (Django model names) for our rulesets. */
const INVENTREE_MODELS: Readonly<Record<Ruleset, string>> = {
  item: 'part',
  category: 'partcategory',
  warehouse: 'stocklocation',
  stock: 'stockitem',
  order: 'salesorder',
  customer: 'company',
  report: 'reporttemplate',
  user: 'user',
  app: 'application',
};

/**
 * `GET /api/user/roles/` in InvenTree's shape (`user` is the pk; `roles` under InvenTree's ruleset names;
 * `permissions` per model), from the effective rights (user ∩ credential scope ∩ read-only). Our own rulesets
 * are in `rulesets`.
 */
export function roles(ctx: RequestContext) {
  const rights = effectiveRights(ctx);
  const described = describeRights(rights);
  const inventreeRoles: Record<string, Action[] | null> = {};
  for (const [role, ours] of Object.entries(INVENTREE_ROLES)) {
    const actions = ours.length ? ACTIONS.filter((a) => ours.every((rs) => (rights[rs] & ACTION_BIT[a]) !== 0)) : [];
    inventreeRoles[role] = actions.length ? actions : null;
  }
  const permissions: Record<string, Action[]> = {};
  for (const rs of RULESETS) if (described[rs].length) permissions[INVENTREE_MODELS[rs]] = described[rs];
  return {
    user: ctx.principal.user.id,
    username: ctx.principal.user.username,
    roles: inventreeRoles,
    permissions,
    is_staff: isStaff(ctx, rights),
    is_superuser: ctx.superuser,
    read_only: ctx.readOnly,
    rulesets: described,
  };
}

/** The scopes a token made by this caller may carry (what the token manager offers), each described in words. */
export function myScopes(ctx: RequestContext) {
  return [...scopesOfRights(effectiveRights(ctx)), ...OIDC_SCOPES].map((scope) => ({ scope, description: describeScope(scope) }));
}
