import { eq } from 'drizzle-orm';
import { ACTIONS, ACTION_BIT, RULESETS, describeRights, emptyRights, type Rights } from '../../access/permissions.js';
import type { RequestContext, UserState } from '../../auth/principal.js';
import type { Db } from '../../db/client.js';
import { accounts } from '../../db/schema/index.js';
import { OIDC_SCOPES, scopesOfRights } from '../../access/scopes.js';
import { describeScope } from '../../oauth/scopes.js';

/** The user as the API shows it (login, session, who am I). */
export async function userView(db: Db, user: UserState) {
  const [account] = await db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(eq(accounts.id, user.accountId)).limit(1);
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
  const view = await userView(ctx.db, user);
  return {
    ...view,
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

/** `GET /api/user/roles/` in InvenTree's shape, from the effective rights (user ∩ credential scope ∩ read-only). */
export function roles(ctx: RequestContext) {
  const rights = effectiveRights(ctx);
  const described = describeRights(rights);
  return {
    user: ctx.principal.user.username,
    roles: described,
    is_staff: ctx.superuser || (rights.user & ACTION_BIT.change) !== 0,
    is_superuser: ctx.superuser,
    read_only: ctx.readOnly,
    permissions: RULESETS.flatMap((rs) => ACTIONS.filter((a) => described[rs].includes(a)).map((a) => `${rs}.${a}`)),
  };
}

/** The scopes a token made by this caller may carry (what the token manager offers), each described in words. */
export function myScopes(ctx: RequestContext) {
  return [...scopesOfRights(effectiveRights(ctx)), ...OIDC_SCOPES].map((scope) => ({ scope, description: describeScope(scope) }));
}
