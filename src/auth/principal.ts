import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { groups, userGroups, users, userWarehouses } from '../db/schema/index.js';
import { emptyRights, fullRights, intersectRights, unionInto, type Rights } from '../access/permissions.js';
import type { ScopeGrant } from '../access/scopes.js';

/** What a request knows about its user: loaded once, cached, dropped on any change to the user. */
export interface UserState {
  id: number;
  accountId: number;
  username: string;
  email: string;
  kind: 'human' | 'integration';
  active: boolean;
  readOnly: boolean;
  superuser: boolean;
  securityStamp: number;
  rights: Rights;
  /** Report names the user's groups grant, or null for every report (superusers). */
  reports: ReadonlySet<string> | null;
  /** Permitted warehouse ids, or null for all. */
  warehouses: ReadonlySet<number> | null;
  groups: readonly { id: number; name: string }[];
}

export type CredentialKind = 'password' | 'token' | 'apikey' | 'session' | 'oauth';

/** The authenticated caller: a user, the credential it presented, and the scopes that credential carries. */
export interface Principal {
  user: UserState;
  credential: { kind: CredentialKind; id: number | null };
  /** null: the credential carries the user's whole rights (password, personal token, API key, session). */
  scope: ScopeGrant | null;
  /** The OAuth client the credential was issued to, if any. */
  clientId?: string;
}

/** What every service call takes first: who is asking, in which account, with which effective rights. */
export interface RequestContext {
  db: Db;
  accountId: number;
  principal: Principal;
  /** user's rights ∩ the credential's scope. */
  rights: Rights;
  warehouses: ReadonlySet<number> | null;
  readOnly: boolean;
  superuser: boolean;
  ip: string;
}

export function contextFor(db: Db, principal: Principal, ip: string): RequestContext {
  const { user, scope } = principal;
  return {
    db,
    accountId: user.accountId,
    principal,
    rights: scope ? intersectRights(user.rights, scope.rights) : user.rights,
    warehouses: user.warehouses,
    readOnly: user.readOnly,
    superuser: user.superuser && (!scope || scope.superuser),
    ip,
  };
}

/** Loads user states and keeps them warm; entries expire after `ttlMs` even if an invalidation is missed. */
export class UserDirectory {
  private readonly cache = new Map<number, { state: UserState; until: number }>();
  private readonly loading = new Map<number, Promise<UserState | null>>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

  async get(userId: number): Promise<UserState | null> {
    const hit = this.cache.get(userId);
    if (hit && hit.until > Date.now()) return hit.state;
    let pending = this.loading.get(userId);
    if (!pending) {
      pending = this.load(userId).finally(() => this.loading.delete(userId));
      this.loading.set(userId, pending);
    }
    return pending;
  }

  /** Synchronous peek for the hot path: a warm entry or undefined. */
  peek(userId: number): UserState | undefined {
    const hit = this.cache.get(userId);
    return hit && hit.until > Date.now() ? hit.state : undefined;
  }

  invalidate(userId: number): void {
    this.cache.delete(userId);
  }

  invalidateAll(): void {
    this.cache.clear();
  }

  private async load(userId: number): Promise<UserState | null> {
    const [u] = await this.db.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!u) {
      this.cache.delete(userId);
      return null;
    }
    const [gs, whs] = await Promise.all([
      this.db
        .select({ id: groups.id, name: groups.name, permissions: groups.permissions, reports: groups.reports })
        .from(userGroups)
        .innerJoin(groups, eq(groups.id, userGroups.groupId))
        .where(and(eq(userGroups.userId, userId), eq(groups.accountId, u.accountId))),
      this.db.select({ id: userWarehouses.warehouseId }).from(userWarehouses).where(eq(userWarehouses.userId, userId)),
    ]);
    let rights: Rights;
    let reports: Set<string> | null;
    if (u.isSuperuser) {
      rights = fullRights();
      reports = null;
    } else {
      const r = emptyRights();
      reports = new Set();
      for (const g of gs) {
        unionInto(r, g.permissions);
        for (const name of g.reports) reports.add(name);
      }
      rights = r;
    }
    const state: UserState = {
      id: u.id,
      accountId: u.accountId,
      username: u.username,
      email: u.email,
      kind: u.kind === 'integration' ? 'integration' : 'human',
      active: u.isActive,
      readOnly: u.isReadOnly,
      superuser: u.isSuperuser,
      securityStamp: u.securityStamp,
      rights,
      reports,
      warehouses: whs.length ? new Set(whs.map((w) => w.id)) : null,
      groups: gs.map((g) => ({ id: g.id, name: g.name })),
    };
    this.cache.set(userId, { state, until: Date.now() + this.ttlMs });
    return state;
  }
}
