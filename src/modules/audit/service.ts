import { count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { auditLog } from '../../db/schema/index.js';
import { inAccount } from '../../db/scoped.js';
import { offsetOf, toPage } from '../../http/paging.js';

type Row = typeof auditLog.$inferSelect;

export function auditView(r: Row) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    event: r.event,
    userId: r.userId,
    username: r.username,
    credentialKind: r.credentialKind,
    credentialId: r.credentialId,
    method: r.method,
    path: r.path,
    status: r.status,
    ip: r.ip,
    detail: r.detail ?? null,
  };
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  userId?: number;
  event?: string;
  credentialKind?: string;
  method?: string;
  status?: number;
  from?: string;
  to?: string;
}

/** The caller's account's audit trail, newest first. `from` is inclusive, `to` exclusive. */
export async function listAudit(ctx: RequestContext, q: AuditQuery) {
  const conds: (SQL | undefined)[] = [
    q.userId !== undefined ? eq(auditLog.userId, q.userId) : undefined,
    q.event !== undefined ? eq(auditLog.event, q.event) : undefined,
    q.credentialKind !== undefined ? eq(auditLog.credentialKind, q.credentialKind) : undefined,
    q.method !== undefined ? eq(auditLog.method, q.method.toUpperCase()) : undefined,
    q.status !== undefined ? eq(auditLog.status, q.status) : undefined,
    q.from !== undefined ? gte(auditLog.at, new Date(q.from)) : undefined,
    q.to !== undefined ? lt(auditLog.at, new Date(q.to)) : undefined,
  ];
  const where = inAccount(ctx, auditLog, ...conds);
  const [rows, [total]] = await Promise.all([
    ctx.db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(q.pageSize).offset(offsetOf(q.page, q.pageSize)),
    ctx.db.select({ n: count() }).from(auditLog).where(where),
  ]);
  return toPage(rows.map(auditView), total?.n ?? 0, q.page, q.pageSize);
}
