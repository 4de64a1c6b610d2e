import type { SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { AuditDetails, AuditEvent } from '../audit/events.js';
import type { AuditEntry } from '../audit/writer.js';
import type { Db } from '../db/client.js';
import { byId, inAccount } from '../db/scoped.js';
import type { OAuthRuntime } from '../oauth/runtime.js';
import { intersectRights, type Rights } from '../access/permissions.js';
import type { Invalidation } from './invalidation.js';
import type { CredentialKind, Principal } from './principal.js';
import type { AuthDeps } from './deps.js';
import type { ServerKey } from './server-key.js';

/**
 * The long-lived machinery a request may need, built once per instance (src/services.ts) and handed to every
 * context; services reach it as `ctx.machinery`, never through a parameter.
 */
export interface Machinery extends AuthDeps {
  /** The key personal tokens are derived from (outside the database). */
  tokenKey: ServerKey;
  /** The OAuth provider of this instance; set when its routes are registered. */
  oauth: OAuthRuntime | null;
}

/**
 * The request line an audit entry records: the request itself will do (a Fastify request has both). Audit entries
 * keep its path without the query, at most 500 characters, worked out only when an entry is written.
 */
export interface RequestLine {
  method: string;
  url: string;
}

export interface AuditOptions {
  /** An administrator acting on another user's credentials: the entry is written against that user, naming `by`. */
  subject?: { id: number; username: string };
  /** The credential the event is about, when it is not the caller's (the token manager's OAuth tokens). */
  credential?: { kind: CredentialKind; id: number | null };
}

type AccountTable = { accountId: PgColumn };
type AccountIdTable = AccountTable & { id: PgColumn };

/**
 * What every service function takes first: who is asking (principal, effective rights, warehouses), the database
 * handle (inside `ctx.tx`, the transaction), the account scoping of queries, the audit trail and the cache
 * invalidation. Built by the authenticate hook; services are `(ctx, input)`.
 */
export interface RequestContext {
  /** The database, or inside `tx` the transaction. */
  db: Db;
  accountId: number;
  principal: Principal;
  /** user's rights ∩ the credential's scope. */
  rights: Rights;
  warehouses: ReadonlySet<number> | null;
  readOnly: boolean;
  superuser: boolean;
  ip: string;
  /** The request line, for audit entries (null outside a request). */
  request: RequestLine | null;
  machinery: Machinery;
  /** The caller's account as a query condition: `ctx.db.select().from(t).where(ctx.inAccount(t, …more))`. */
  inAccount(table: AccountTable, ...more: (SQL | undefined)[]): SQL;
  /** One row of the caller's account by id. */
  byId(table: AccountIdTable, id: number, ...more: (SQL | undefined)[]): SQL;
  /**
   * Runs `fn` in a transaction, with a context whose `db` is the transaction. Its audit entries and invalidations
   * wait for the commit (a rolled-back change is neither recorded nor announced).
   */
  tx<T>(fn: (ctx: RequestContext) => Promise<T>): Promise<T>;
  /** Writes an event of the closed list (src/audit/events.ts) to the audit trail, by the caller. */
  audit<E extends AuditEvent>(event: E, detail: AuditDetails[E], opts?: AuditOptions): void;
  /** Tells every instance's caches (this one at once, the others by the bus) that these changed. */
  invalidate(...events: Invalidation[]): Promise<void>;
}

/** Builds request contexts over one instance's machinery. */
export class Contexts {
  constructor(readonly machinery: Machinery) {}

  /**
   * The context of a user acting with their whole rights outside a request (set-up, the command line, benchmarks):
   * as if logged in with their password.
   */
  async asUser(userId: number, ip = '127.0.0.1'): Promise<RequestContext> {
    const user = await this.machinery.users.get(userId);
    if (!user) throw new Error(`No user ${userId}.`);
    return this.for({ user, credential: { kind: 'password', id: null }, scope: null }, ip);
  }

  /** The context of a request made by `principal` (or of work done on its behalf outside a request). */
  for(principal: Principal, ip: string, request: RequestLine | null = null): RequestContext {
    return new Context(this.machinery, this.machinery.db, null, principal, ip, request);
  }
}

/**
 * One request's context. A class, not an object of closures: it is built on every authenticated request, and its
 * methods live once on the prototype (so call them on the context: `ctx.audit(…)`, not a detached `audit`).
 */
class Context implements RequestContext {
  readonly accountId: number;
  readonly rights: Rights;
  readonly warehouses: ReadonlySet<number> | null;
  readonly readOnly: boolean;
  readonly superuser: boolean;

  constructor(
    readonly machinery: Machinery,
    readonly db: Db,
    /** Inside a transaction: what waits for its commit. */
    private readonly pending: (() => Promise<void> | void)[] | null,
    readonly principal: Principal,
    readonly ip: string,
    readonly request: RequestLine | null,
  ) {
    const { user, scope } = principal;
    this.accountId = user.accountId;
    this.rights = scope ? intersectRights(user.rights, scope.rights) : user.rights;
    this.warehouses = user.warehouses;
    this.readOnly = user.readOnly;
    this.superuser = user.superuser && (!scope || scope.superuser);
  }

  inAccount(table: AccountTable, ...more: (SQL | undefined)[]): SQL {
    return inAccount(this, table, ...more);
  }

  byId(table: AccountIdTable, id: number, ...more: (SQL | undefined)[]): SQL {
    return byId(this, table, id, ...more);
  }

  async tx<T>(fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
    if (this.pending) return fn(this);
    const after: (() => Promise<void> | void)[] = [];
    const result = await this.db.transaction((tx) => fn(new Context(this.machinery, tx as unknown as Db, after, this.principal, this.ip, this.request)));
    for (const run of after) await run();
    return result;
  }

  audit<E extends AuditEvent>(event: E, detail: AuditDetails[E], opts: AuditOptions = {}): void {
    if (this.pending) this.pending.push(() => writeAudit(this, event, detail, opts));
    else writeAudit(this, event, detail, opts);
  }

  async invalidate(...events: Invalidation[]): Promise<void> {
    const publish = async () => {
      for (const e of events) await this.machinery.bus.publish(e);
    };
    if (this.pending) this.pending.push(publish);
    else await publish();
  }
}

function writeAudit<E extends AuditEvent>(ctx: RequestContext, event: E, detail: AuditDetails[E], opts: AuditOptions): void {
  const { user, credential } = ctx.principal;
  const subject = opts.subject;
  const by = subject ? { by: { id: user.id, username: user.username } } : {};
  const cred = opts.credential ?? credential;
  ctx.machinery.audit.write({
    accountId: ctx.accountId,
    userId: subject?.id ?? user.id,
    username: subject?.username ?? user.username,
    event,
    credentialKind: cred.kind,
    credentialId: cred.id,
    method: ctx.request?.method ?? null,
    path: ctx.request ? pathOf(ctx.request.url) : null,
    ip: ctx.ip,
    detail: detail === null ? null : { ...detail, ...by },
  } as AuditEntry);
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return (query < 0 ? url : url.slice(0, query)).slice(0, 500);
}
