import type { Static } from '@sinclair/typebox';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import type { RequestContext } from '../../auth/principal.js';
import { can, emptyRights, RULESETS, unionInto, type Rights } from '../../access/permissions.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import { groups, userGroups, users, userWarehouses, warehouses } from '../../db/schema/index.js';
import { byId, inAccount } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import { runList, type ListParams, type ListSpec } from '../../http/list/engine.js';
import { textSearch } from '../../http/list/filters.js';
import { Lockout as LockoutPolicy } from '../../auth/lockout.js';
import type { AuditDetails } from '../../audit/events.js';
import type { UserCreate, UserFilters, UserPatch } from './routes.js';

type Row = typeof users.$inferSelect;

/** The API's user shape. Hashes never leave the server; `hasPassword`/`hasPin` say whether one is set. */
export function userView(r: Row, gs: { id: number; name: string }[], whs: number[]) {
  return {
    id: r.id,
    username: r.username,
    email: r.email,
    kind: r.kind === 'integration' ? ('integration' as const) : ('human' as const),
    active: r.isActive,
    readOnly: r.isReadOnly,
    superuser: r.isSuperuser,
    hasPassword: r.passwordHash !== null,
    hasPin: r.pinHash !== null,
    groups: gs,
    warehouseIds: whs,
    created: r.createdAt.toISOString(),
    updated: r.updatedAt.toISOString(),
    lastLogin: r.lastLoginAt?.toISOString() ?? null,
  };
}

/** A change to a user, as the PATCH body declares it (less the caller's own current password, checked apart). */
export type UserInput = Omit<Static<typeof UserPatch>, 'current_password'>;

/** The users list's query: the list engine's paging, sort and cursor, and the filters the route declares. */
export type UserQuery = ListParams & Static<typeof UserFilters>;

/** The id breaks ties, so pages never overlap or skip. */
const userList: ListSpec<Row> = {
  sorts: {
    id: { column: users.id, value: (r) => r.id },
    username: { column: users.username, kind: 'string', value: (r) => r.username },
    email: { column: users.email, kind: 'string', value: (r) => r.email },
    created: { column: users.createdAt, kind: 'date', value: (r) => r.createdAt },
  },
  id: { column: users.id, value: (r) => r.id },
};

async function memberships(ctx: RequestContext, ids: number[]) {
  if (!ids.length) return { gs: new Map<number, { id: number; name: string }[]>(), whs: new Map<number, number[]>() };
  const [gRows, wRows] = await Promise.all([
    ctx.db
      .select({ userId: userGroups.userId, id: groups.id, name: groups.name })
      .from(userGroups)
      .innerJoin(groups, eq(groups.id, userGroups.groupId))
      .where(and(inAccount(ctx, userGroups), inArray(userGroups.userId, ids)))
      .orderBy(asc(groups.id)),
    ctx.db
      .select({ userId: userWarehouses.userId, id: userWarehouses.warehouseId })
      .from(userWarehouses)
      .where(and(inAccount(ctx, userWarehouses), inArray(userWarehouses.userId, ids)))
      .orderBy(asc(userWarehouses.warehouseId)),
  ]);
  const gs = new Map<number, { id: number; name: string }[]>();
  const whs = new Map<number, number[]>();
  for (const g of gRows) (gs.get(g.userId) ?? gs.set(g.userId, []).get(g.userId)!).push({ id: g.id, name: g.name });
  for (const w of wRows) (whs.get(w.userId) ?? whs.set(w.userId, []).get(w.userId)!).push(w.id);
  return { gs, whs };
}

async function view(ctx: RequestContext, row: Row) {
  const { gs, whs } = await memberships(ctx, [row.id]);
  return userView(row, gs.get(row.id) ?? [], whs.get(row.id) ?? []);
}

export async function listUsers(ctx: RequestContext, q: UserQuery) {
  const filters = [
    textSearch(q.q, users.username, users.email),
    q.active !== undefined ? eq(users.isActive, q.active) : undefined,
    q.readOnly !== undefined ? eq(users.isReadOnly, q.readOnly) : undefined,
    q.kind !== undefined ? eq(users.kind, q.kind) : undefined,
  ];
  return runList(ctx, userList, q, { table: users, filters }, async (rows) => {
    const { gs, whs } = await memberships(
      ctx,
      rows.map((r) => r.id),
    );
    return rows.map((r) => userView(r, gs.get(r.id) ?? [], whs.get(r.id) ?? []));
  });
}

async function findUser(ctx: RequestContext, id: number): Promise<Row> {
  const [row] = await ctx.db
    .select()
    .from(users)
    .where(byId(ctx, users, id))
    .limit(1);
  if (!row) throw ApiError.notFound(`User ${id} not found.`);
  return row;
}

export async function getUser(ctx: RequestContext, id: number) {
  return view(ctx, await findUser(ctx, id));
}

/** True when `rights` grants something `limit` does not. */
function exceeds(rights: Rights, limit: Rights): boolean {
  return RULESETS.some((rs) => (rights[rs] & ~limit[rs]) !== 0);
}

/** The rights a set of groups grants together, and the reports. */
async function groupGrants(ctx: RequestContext, groupIds: number[]) {
  const rows = groupIds.length
    ? await ctx.db
        .select({ id: groups.id, permissions: groups.permissions, reports: groups.reports })
        .from(groups)
        .where(inAccount(ctx, groups, inArray(groups.id, groupIds)))
    : [];
  const rights = emptyRights();
  const reports = new Set<string>();
  for (const g of rows) {
    unionInto(rights, g.permissions);
    for (const r of g.reports) reports.add(r);
  }
  return { found: new Set(rows.map((r) => r.id)), rights: rights as Rights, reports };
}

/**
 * Privilege escalation rules for a caller who is not a superuser: they cannot grant or touch superusers, cannot
 * hand out groups that grant more than they hold themselves, and cannot manage a user who holds more than they do.
 */
function assertMayGrant(ctx: RequestContext, grant: { rights: Rights; reports: Set<string> }, what: string) {
  if (ctx.superuser) return;
  const mine = ctx.principal.user.reports;
  const extraReport = mine !== null && [...grant.reports].some((r) => !mine.has(r));
  if (exceeds(grant.rights, ctx.rights) || extraReport) {
    throw new ApiError('permission.denied', `You cannot assign ${what} that grant more than you hold yourself.`);
  }
}

async function assertMayManage(ctx: RequestContext, target: Row) {
  if (ctx.superuser) return;
  if (target.isSuperuser) throw new ApiError('permission.denied', 'Only a superuser may change a superuser.');
  const { gs, whs } = await memberships(ctx, [target.id]);
  const grant = await groupGrants(
    ctx,
    (gs.get(target.id) ?? []).map((g) => g.id),
  );
  const mine = ctx.principal.user.reports;
  if (exceeds(grant.rights, ctx.rights) || (mine !== null && [...grant.reports].some((r) => !mine.has(r)))) {
    throw new ApiError('permission.denied', 'You cannot change a user who holds more rights than you.');
  }
  if (ctx.warehouses !== null) {
    const theirs = whs.get(target.id) ?? [];
    if (!theirs.length || theirs.some((w) => !ctx.warehouses!.has(w))) {
      throw new ApiError('permission.denied', 'You cannot change a user who may use warehouses you may not.');
    }
  }
}

async function checkGroups(ctx: RequestContext, groupIds: number[]) {
  const ids = [...new Set(groupIds)];
  const grant = await groupGrants(ctx, ids);
  const missing = ids.filter((id) => !grant.found.has(id));
  if (missing.length) throw ApiError.validation({ groupIds: [`unknown group ${missing.join(', ')}`] });
  assertMayGrant(ctx, grant, 'groups');
  return ids;
}

async function checkWarehouses(ctx: RequestContext, warehouseIds: number[]) {
  const ids = [...new Set(warehouseIds)];
  if (ids.length) {
    const rows = await ctx.db
      .select({ id: warehouses.id })
      .from(warehouses)
      .where(inAccount(ctx, warehouses, inArray(warehouses.id, ids)));
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw ApiError.validation({ warehouseIds: [`unknown warehouse ${missing.join(', ')}`] });
  }
  // A warehouse-limited admin cannot widen anyone beyond their own warehouses ("all" included).
  if (ctx.warehouses !== null && (!ids.length || ids.some((w) => !ctx.warehouses!.has(w)))) {
    throw new ApiError('warehouse.forbidden', 'You cannot grant warehouses you may not use yourself.');
  }
  return ids;
}

function assertMaySetSuperuser(ctx: RequestContext, value: boolean | undefined) {
  if (value !== undefined && !ctx.superuser) throw new ApiError('permission.denied', 'Only a superuser may grant or remove superuser status.');
}

function duplicate(err: unknown): never {
  // A group or warehouse deleted between the check and the write.
  if (isForeignKeyViolation(err)) throw ApiError.validation({ groupIds: ['a group or warehouse no longer exists'] });
  if (isUniqueViolation(err)) {
    const text = String(
      (err as { cause?: { constraint?: string }; constraint?: string }).cause?.constraint ?? (err as { constraint?: string }).constraint ?? '',
    );
    const field = text.includes('email') ? 'email' : 'username';
    throw new ApiError('conflict', `A user with this ${field} already exists.`, { [field]: ['must be unique'] });
  }
  throw err;
}

const bumpStamp = () => ({ securityStamp: sql`${users.securityStamp} + 1`, updatedAt: new Date() });

async function replaceGroups(ctx: RequestContext, userId: number, groupIds: number[]) {
  await ctx.db.delete(userGroups).where(inAccount(ctx, userGroups, eq(userGroups.userId, userId)));
  if (groupIds.length) await ctx.db.insert(userGroups).values(groupIds.map((groupId) => ({ accountId: ctx.accountId, userId, groupId })));
}

async function replaceWarehouses(ctx: RequestContext, userId: number, warehouseIds: number[]) {
  await ctx.db.delete(userWarehouses).where(inAccount(ctx, userWarehouses, eq(userWarehouses.userId, userId)));
  if (warehouseIds.length) await ctx.db.insert(userWarehouses).values(warehouseIds.map((warehouseId) => ({ accountId: ctx.accountId, userId, warehouseId })));
}

export async function createUser(ctx: RequestContext, input: Static<typeof UserCreate>) {
  assertMaySetSuperuser(ctx, input.superuser === true ? true : undefined);
  const groupIds = await checkGroups(ctx, input.groupIds ?? []);
  const warehouseIds = await checkWarehouses(ctx, input.warehouseIds ?? (ctx.warehouses ? [...ctx.warehouses] : []));
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  const pinHash = input.pin !== undefined ? await hashPassword(input.pin) : null;
  let row: Row;
  try {
    row = await ctx.tx(async (tx) => {
      const [r] = await tx.db
        .insert(users)
        .values({
          accountId: ctx.accountId,
          username: input.username,
          email: input.email,
          passwordHash,
          pinHash,
          isActive: input.active ?? true,
          isReadOnly: input.readOnly ?? false,
          isSuperuser: input.superuser ?? false,
          kind: 'human',
        })
        .returning();
      await replaceGroups(tx, r!.id, groupIds);
      await replaceWarehouses(tx, r!.id, warehouseIds);
      await tx.invalidate({ t: 'user', id: r!.id });
      tx.audit('user.created', { targetUserId: r!.id, targetUsername: r!.username, superuser: r!.isSuperuser });
      return r!;
    });
  } catch (err) {
    duplicate(err);
  }
  return view(ctx, row);
}

/** The events of a change to a user (each names the user in its detail). */
type UserChange =
  'user.updated' | 'user.password_set' | 'user.pin_set' | 'user.pin_removed' | 'user.enabled' | 'user.disabled' | 'user.groups_set' | 'user.warehouses_set';

/**
 * Applies a change to a user (`apply` runs in the transaction) and tells every cache: any change may affect how the
 * user authenticates. The invalidation and the audit entry wait for the commit.
 */
async function changeUser<E extends UserChange>(
  ctx: RequestContext,
  id: number,
  event: E,
  detail: Omit<AuditDetails[E], 'targetUserId' | 'targetUsername'>,
  apply: (tx: RequestContext) => Promise<Partial<typeof users.$inferInsert> | void>,
) {
  let row: Row;
  try {
    row = await ctx.tx(async (tx) => {
      const set = (await apply(tx)) ?? {};
      const [r] = await tx.db
        .update(users)
        .set({ ...set, ...bumpStamp() })
        .where(byId(ctx, users, id))
        .returning();
      if (!r) throw ApiError.notFound(`User ${id} not found.`);
      await tx.invalidate({ t: 'user', id });
      tx.audit(event, { targetUserId: id, targetUsername: r.username, ...detail } as AuditDetails[E]);
      return r;
    });
  } catch (err) {
    duplicate(err);
  }
  return view(ctx, row);
}

function assertNotSelf(ctx: RequestContext, target: Row, what: string) {
  if (target.id === ctx.principal.user.id) throw new ApiError('conflict', `You cannot ${what} yourself.`);
}

const isSelf = (ctx: RequestContext, target: Row) => target.id === ctx.principal.user.id;

/**
 * Nobody locks themselves out through the admin API: an administrator cannot make themselves read-only, drop their
 * own superuser flag, or take groups away from themselves so that they could no longer change users. Another
 * administrator can do all of these to them.
 */
async function assertNoSelfLockout(ctx: RequestContext, target: Row, input: { readOnly?: boolean; superuser?: boolean; groupIds?: number[] }) {
  if (!isSelf(ctx, target)) return;
  if (input.readOnly === true && !target.isReadOnly) {
    throw new ApiError('conflict', 'You cannot make yourself read-only; ask another administrator.', { readOnly: ['cannot be set on yourself'] });
  }
  if (input.superuser === false && target.isSuperuser) {
    throw new ApiError('conflict', 'You cannot remove your own superuser status; ask another superuser.', { superuser: ['cannot be removed from yourself'] });
  }
  const superuserAfter = input.superuser ?? target.isSuperuser;
  if (input.groupIds !== undefined && !superuserAfter && can(ctx.principal.user.rights, 'user', 'change')) {
    const after = await groupGrants(ctx, input.groupIds);
    if (!can(after.rights, 'user', 'change')) {
      throw new ApiError('conflict', 'These groups would take away your own right to change users; ask another administrator.', {
        groupIds: ['must keep your own "change" permission on users'],
      });
    }
  }
}

/** Changing one's own password needs the current one, wherever it is done (argon2, behind the login lockout). */
async function assertCurrentPassword(ctx: RequestContext, me: Row, current: string | undefined) {
  if (current === undefined) {
    throw ApiError.validation({ current_password: ['is required to change your own password'] }, 'Changing your own password needs the current one.');
  }
  const keys = LockoutPolicy.userKeys(me.username, me.id);
  await ctx.machinery.lockout.assertOpen([...keys, `ip:${ctx.ip}`]);
  if (!(await verifyPassword(me.passwordHash, current))) {
    await ctx.machinery.lockout.recordFailure(keys, ctx.ip);
    throw ApiError.validation({ current_password: ['is not your current password'] }, 'The current password is wrong.');
  }
  await ctx.machinery.lockout.recordSuccess(keys);
}

export async function updateUser(ctx: RequestContext, { id, changes: input }: { id: number; changes: UserInput & { current_password?: string } }) {
  const target = await findUser(ctx, id);
  await assertMayManage(ctx, target);
  assertMaySetSuperuser(ctx, input.superuser === true || target.isSuperuser ? input.superuser : undefined);
  if (input.active === false) assertNotSelf(ctx, target, 'disable');
  await assertNoSelfLockout(ctx, target, input);
  if (target.kind === 'integration' && (input.password !== undefined || input.pin !== undefined)) {
    throw new ApiError('conflict', 'Integration users have no password or PIN; they act through their OAuth app.');
  }
  const groupIds = input.groupIds !== undefined ? await checkGroups(ctx, input.groupIds) : undefined;
  const warehouseIds = input.warehouseIds !== undefined ? await checkWarehouses(ctx, input.warehouseIds) : undefined;
  if (input.password !== undefined && isSelf(ctx, target)) await assertCurrentPassword(ctx, target, input.current_password);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  const pinHash = input.pin !== undefined ? await hashPassword(input.pin) : undefined;
  const changed = Object.keys(input).filter((k) => k !== 'password' && k !== 'pin' && k !== 'current_password');
  if (input.password !== undefined) changed.push('password');
  if (input.pin !== undefined) changed.push('pin');
  return changeUser(ctx, id, 'user.updated', { fields: changed }, async (tx) => {
    if (groupIds) await replaceGroups(tx, id, groupIds);
    if (warehouseIds) await replaceWarehouses(tx, id, warehouseIds);
    return {
      username: input.username,
      email: input.email,
      passwordHash,
      pinHash,
      isActive: input.active,
      isReadOnly: input.readOnly,
      isSuperuser: input.superuser,
    };
  });
}

export async function setPassword(ctx: RequestContext, { id, password, current }: { id: number; password: string; current?: string }) {
  const target = await findUser(ctx, id);
  await assertMayManage(ctx, target);
  if (target.kind === 'integration') throw new ApiError('conflict', 'Integration users have no password.');
  if (isSelf(ctx, target)) await assertCurrentPassword(ctx, target, current);
  const passwordHash = await hashPassword(password);
  const answer = await changeUser(ctx, id, 'user.password_set', {}, async () => ({ passwordHash }));
  // A new password from an admin is the way out of a lockout: the failures against the old one no longer count.
  await ctx.machinery.lockout.recordSuccess([...LockoutPolicy.userKeys(target.username, target.id), ...LockoutPolicy.userKeys(target.email)]);
  return answer;
}

export async function setPin(ctx: RequestContext, { id, pin }: { id: number; pin: string | null }) {
  const target = await findUser(ctx, id);
  await assertMayManage(ctx, target);
  if (target.kind === 'integration' && pin !== null) throw new ApiError('conflict', 'Integration users have no PIN.');
  const pinHash = pin === null ? null : await hashPassword(pin);
  const answer = await changeUser(ctx, id, pin === null ? 'user.pin_removed' : 'user.pin_set', {}, async () => ({ pinHash }));
  await ctx.machinery.lockout.recordSuccess([`pin:${id}`]);
  return answer;
}

export async function setActive(ctx: RequestContext, { id, active }: { id: number; active: boolean }) {
  const target = await findUser(ctx, id);
  await assertMayManage(ctx, target);
  if (!active) assertNotSelf(ctx, target, 'disable');
  return changeUser(ctx, id, active ? 'user.enabled' : 'user.disabled', {}, async () => ({ isActive: active }));
}

export async function setGroups(ctx: RequestContext, { id, groupIds }: { id: number; groupIds: number[] }) {
  const target = await findUser(ctx, id);
  await assertMayManage(ctx, target);
  const ids = await checkGroups(ctx, groupIds);
  await assertNoSelfLockout(ctx, target, { groupIds: ids });
  return changeUser(ctx, id, 'user.groups_set', { groupIds: ids }, async (tx) => replaceGroups(tx, id, ids));
}

export async function setWarehouses(ctx: RequestContext, { id, warehouseIds }: { id: number; warehouseIds: number[] }) {
  const target = await findUser(ctx, id);
  await assertMayManage(ctx, target);
  const ids = await checkWarehouses(ctx, warehouseIds);
  return changeUser(ctx, id, 'user.warehouses_set', { warehouseIds: ids }, async (tx) => replaceWarehouses(tx, id, ids));
}

export async function deleteUser(ctx: RequestContext, id: number) {
  const target = await findUser(ctx, id);
  await assertMayManage(ctx, target);
  assertNotSelf(ctx, target, 'delete');
  try {
    const deleted = await ctx.db
      .delete(users)
      .where(byId(ctx, users, id))
      .returning({ id: users.id });
    if (!deleted.length) throw ApiError.notFound(`User ${id} not found.`);
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new ApiError('conflict', 'This user is still in use (e.g. by an OAuth app); remove that first.');
    throw err;
  }
  await ctx.invalidate({ t: 'user', id });
  ctx.audit('user.deleted', { targetUserId: id, targetUsername: target.username });
}

/**
 * A user changes their own password: the current one is checked (argon2, with the login lockout, so a stolen
 * token cannot be used to guess it), then every cached credential of the user is dropped.
 */
export async function changeOwnPassword(ctx: RequestContext, { current, next }: { current: string; next: string }) {
  const me = await findUser(ctx, ctx.principal.user.id);
  if (me.kind !== 'human') throw new ApiError('conflict', 'Integration users have no password.');
  await assertCurrentPassword(ctx, me, current);
  const passwordHash = await hashPassword(next);
  await ctx.db
    .update(users)
    .set({ passwordHash, ...bumpStamp() })
    .where(byId(ctx, users, me.id));
  await ctx.invalidate({ t: 'user', id: me.id });
  ctx.audit('password.changed', { targetUserId: me.id, targetUsername: me.username });
}
