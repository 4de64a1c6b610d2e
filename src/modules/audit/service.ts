import { eq, gte, lt } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { auditLog } from '../../db/schema/index.js';
import type { Static } from '@sinclair/typebox';
import { runList, type ListSpec } from '../../http/list/engine.js';
import type { AuditQuery } from './routes.js';

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

/** Newest first, by id (ids grow with time): a page, at any depth, is an index range on (account, id), and `after` continues from the last id seen. */
const auditList: ListSpec<Row> = {
  sorts: { id: { column: auditLog.id, value: (r) => r.id } },
  id: { column: auditLog.id, value: (r) => r.id },
  defaultSort: '-id',
};

/** The caller's account's audit trail, newest first. `from` is inclusive, `to` exclusive. */
export async function listAudit(ctx: RequestContext, q: Static<typeof AuditQuery>) {
  const filters = [
    q.userId !== undefined ? eq(auditLog.userId, q.userId) : undefined,
    q.event !== undefined ? eq(auditLog.event, q.event) : undefined,
    q.credentialKind !== undefined ? eq(auditLog.credentialKind, q.credentialKind) : undefined,
    q.method !== undefined ? eq(auditLog.method, q.method.toUpperCase()) : undefined,
    q.status !== undefined ? eq(auditLog.status, q.status) : undefined,
    q.from !== undefined ? gte(auditLog.at, new Date(q.from)) : undefined,
    q.to !== undefined ? lt(auditLog.at, new Date(q.to)) : undefined,
  ];
  return runList(ctx, auditList, { ...q, sort: undefined }, { table: auditLog, filters }, (rows) => rows.map(auditView));
}
