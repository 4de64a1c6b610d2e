import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { groups, userGroups, users, userWarehouses } from '../db/schema/index.js';
import { emptyRights, fullRights, unionInto, type Rights } from '../access/permissions.js';
import type { ScopeGrant } from '../access/scopes.js';
import { CACHES, type CachePolicy } from '../defaults.js';
import { ALWAYS_TRUSTED, CredentialCache, type CacheTrust } from './cache.js';

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

/** The request context lives in context.ts; it is imported from here by many modules. */
export type { RequestContext } from './context.js';

/**
 * Loads user states and keeps them warm (one CredentialCache, by user id). Entries are dropped by the invalidation
 * bus on any change to the user or their account's groups, and expire on their own in case an event was missed.
 */
export class UserDirectory {
  private readonly cache: CredentialCache<number, UserState>;

  constructor(
    private readonly db: Db,
    trust: CacheTrust = ALWAYS_TRUSTED,
    policy: CachePolicy = CACHES.users,
  ) {
    this.cache = new CredentialCache(policy, trust);
  }

  /** The user's state, or null when no such user exists. */
  get(userId: number): Promise<UserState | null> {
    return this.cache.load(userId, () => this.load(userId));
  }

  /** Synchronous peek for the hot path: a warm state, null for a known-missing user, undefined to ask `get`. */
  peek(userId: number): UserState | null | undefined {
    return this.cache.get(userId);
  }

  invalidate(userId: number): void {
    this.cache.delete(userId);
  }

  /** A group of the account changed: every member's rights may have. */
  invalidateAccount(accountId: number): void {
    this.cache.deleteWhere((state) => state.accountId === accountId);
  }

  invalidateAll(): void {
    this.cache.clear();
  }

  private async load(userId: number): Promise<UserState | null> {
    const [u] = await this.db.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!u) return null;
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
    return state;
  }
}
