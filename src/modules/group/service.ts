import type { Static } from '@sinclair/typebox';
import { count, eq, inArray } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { ACTIONS, can, emptyRights, REPORT_NAMES, RULESETS, unionInto } from '../../access/permissions.js';
import { isUniqueViolation } from '../../db/errors.js';
import { groups, userGroups } from '../../db/schema/index.js';
import { byId, inAccount } from '../../db/scoped.js';
import { ApiError, type ErrorFields } from '../../http/errors.js';
import { runList, type ListParams, type ListSpec } from '../../http/list/engine.js';
import type { GroupCreate, GroupPatch } from './routes.js';

type Row = typeof groups.$inferSelect;

export function groupView(r: Row, members: number) {
  return {
    id: r.id,
    name: r.name,
    builtin: r.builtin,
    permissions: Object.fromEntries(RULESETS.map((rs) => [rs, ACTIONS.filter((a) => (r.permissions[rs] ?? []).includes(a))])),
    reports: REPORT_NAMES.filter((n) => r.reports.includes(n)),
    members,
    created: r.createdAt.toISOString(),
  };
}

/** A change to a group, as the PATCH body declares it. */
export type GroupInput = Static<typeof GroupPatch>;

/** Checks `{ruleset: [actions]}` and report names against the closed lists; answers them normalised. */
function validated(input: GroupInput) {
  const fields: ErrorFields = {};
  let permissions: Record<string, string[]> | undefined;
  if (input.permissions !== undefined) {
    permissions = {};
    for (const [rs, actions] of Object.entries(input.permissions)) {
      if (!(RULESETS as readonly string[]).includes(rs)) {
        (fields[`permissions.${rs}`] ??= []).push(`unknown ruleset; one of ${RULESETS.join(', ')}`);
        continue;
      }
      const bad = actions.filter((a) => !(ACTIONS as readonly string[]).includes(a));
      if (bad.length) (fields[`permissions.${rs}`] ??= []).push(`unknown action ${bad.join(', ')}; one of ${ACTIONS.join(', ')}`);
      permissions[rs] = ACTIONS.filter((a) => actions.includes(a));
    }
  }
  let reports: string[] | undefined;
  if (input.reports !== undefined) {
    const bad = input.reports.filter((r) => !(REPORT_NAMES as readonly string[]).includes(r));
    if (bad.length) (fields.reports ??= []).push(`unknown report ${bad.join(', ')}; one of ${REPORT_NAMES.join(', ')}`);
    reports = REPORT_NAMES.filter((n) => input.reports!.includes(n));
  }
  if (Object.keys(fields).length) throw ApiError.validation(fields);
  return { name: input.name, permissions, reports };
}

/** A caller who is not a superuser cannot define a group granting more than they hold (they could then join it). */
function assertMayDefine(ctx: RequestContext, permissions: Record<string, string[]> | undefined, reports: string[] | undefined) {
  if (ctx.superuser) return;
  if (permissions) {
    const r = emptyRights();
    unionInto(r, permissions);
    if (RULESETS.some((rs) => (r[rs] & ~ctx.rights[rs]) !== 0)) {
      throw new ApiError('permission.denied', 'You cannot grant a group more permissions than you hold yourself.');
    }
  }
  const mine = ctx.principal.user.reports;
  if (reports && mine !== null && reports.some((n) => !mine.has(n))) {
    throw new ApiError('permission.denied', 'You cannot grant a group reports you may not run yourself.');
  }
}

function duplicateName(err: unknown, name: string | undefined): never {
  if (isUniqueViolation(err)) throw new ApiError('conflict', `A group named "${name}" already exists.`, { name: ['must be unique'] });
  throw err;
}

/**
 * An administrator (not a superuser) cannot change or delete one of their own groups so that their groups together
 * no longer let them change users: they would lock themselves out of user administration.
 */
async function assertKeepsOwnUserAdmin(ctx: RequestContext, groupId: number, permissionsAfter: Record<string, string[]> | null) {
  const me = ctx.principal.user;
  if (me.superuser || !can(me.rights, 'user', 'change')) return;
  const mine = await ctx.db
    .select({ id: groups.id, permissions: groups.permissions })
    .from(userGroups)
    .innerJoin(groups, eq(groups.id, userGroups.groupId))
    .where(inAccount(ctx, userGroups, eq(userGroups.userId, me.id)));
  if (!mine.some((g) => g.id === groupId)) return;
  const after = emptyRights();
  for (const g of mine) {
    if (g.id !== groupId) unionInto(after, g.permissions);
    else if (permissionsAfter) unionInto(after, permissionsAfter);
  }
  if (!can(after, 'user', 'change')) {
    throw new ApiError('conflict', 'This would take away your own right to change users; ask another administrator.', {
      permissions: ['must keep your own "change" permission on users'],
    });
  }
}

async function memberCount(ctx: RequestContext, groupId: number) {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(userGroups)
    .where(inAccount(ctx, userGroups, eq(userGroups.groupId, groupId)));
  return row?.n ?? 0;
}

const groupList: ListSpec<typeof groups.$inferSelect> = {
  sorts: {
    id: { column: groups.id, value: (r) => r.id },
    name: { column: groups.name, kind: 'string', value: (r) => r.name },
  },
  id: { column: groups.id, value: (r) => r.id },
};

export async function listGroups(ctx: RequestContext, q: ListParams) {
  return runList(ctx, groupList, q, { table: groups, filters: [] }, async (rows) => {
    const counts = rows.length
      ? await ctx.db
          .select({ id: userGroups.groupId, n: count() })
          .from(userGroups)
          .where(
            inAccount(
              ctx,
              userGroups,
              inArray(
                userGroups.groupId,
                rows.map((r) => r.id),
              ),
            ),
          )
          .groupBy(userGroups.groupId)
      : [];
    const members = new Map(counts.map((c) => [c.id, c.n]));
    return rows.map((r) => groupView(r, members.get(r.id) ?? 0));
  });
}

async function findGroup(ctx: RequestContext, id: number) {
  const [row] = await ctx.db
    .select()
    .from(groups)
    .where(byId(ctx, groups, id))
    .limit(1);
  if (!row) throw ApiError.notFound(`Group ${id} not found.`);
  return row;
}

export async function getGroup(ctx: RequestContext, id: number) {
  return groupView(await findGroup(ctx, id), await memberCount(ctx, id));
}

export async function createGroup(ctx: RequestContext, input: Static<typeof GroupCreate>) {
  const v = validated(input);
  assertMayDefine(ctx, v.permissions, v.reports);
  try {
    const [row] = await ctx.db
      .insert(groups)
      .values({ accountId: ctx.accountId, name: input.name, permissions: v.permissions ?? {}, reports: v.reports ?? [] })
      .returning();
    ctx.audit('group.created', { groupId: row!.id, name: row!.name, permissions: row!.permissions, reports: row!.reports });
    return groupView(row!, 0);
  } catch (err) {
    duplicateName(err, input.name);
  }
}

/** A group's change reaches every member's cached rights: the whole account's user states are dropped. */
export async function updateGroup(ctx: RequestContext, { id, changes: input }: { id: number; changes: GroupInput }) {
  const v = validated(input);
  const current = await findGroup(ctx, id);
  // Changing a group one holds more than one may grant is escalation either way: check old and new.
  assertMayDefine(ctx, current.permissions, current.reports);
  assertMayDefine(ctx, v.permissions, v.reports);
  if (v.permissions) await assertKeepsOwnUserAdmin(ctx, id, v.permissions);
  let row: Row | undefined;
  try {
    [row] = await ctx.db
      .update(groups)
      .set({ name: v.name, permissions: v.permissions, reports: v.reports })
      .where(byId(ctx, groups, id))
      .returning();
  } catch (err) {
    duplicateName(err, input.name);
  }
  if (!row) throw ApiError.notFound(`Group ${id} not found.`);
  await ctx.invalidate({ t: 'account', id: ctx.accountId });
  ctx.audit('group.updated', { groupId: id, name: row.name, permissions: row.permissions, reports: row.reports });
  return groupView(row, await memberCount(ctx, id));
}

export async function deleteGroup(ctx: RequestContext, id: number) {
  const current = await findGroup(ctx, id);
  if (current.builtin) throw new ApiError('conflict', `The built-in group "${current.name}" cannot be deleted.`);
  assertMayDefine(ctx, current.permissions, current.reports);
  await assertKeepsOwnUserAdmin(ctx, id, null);
  await ctx.db.delete(groups).where(byId(ctx, groups, id));
  await ctx.invalidate({ t: 'account', id: ctx.accountId });
  ctx.audit('group.deleted', { groupId: id, name: current.name });
}
