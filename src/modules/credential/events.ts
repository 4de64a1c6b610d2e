import type { FastifyRequest } from 'fastify';

/**
 * Writes an auth event (token.issued, apikey.revoked, login, …) to the audit trail for the caller, and for
 * `subject` when an admin acts on another user's credentials. Never put a secret in `detail`.
 */
export function auditAuthEvent(request: FastifyRequest, event: string, detail: Record<string, unknown> = {}, subject?: { id: number; username: string }): void {
  const ctx = request.ctx!;
  const { user, credential } = ctx.principal;
  request.server.qm.audit.write({
    accountId: ctx.accountId,
    userId: subject?.id ?? user.id,
    username: subject?.username ?? user.username,
    event,
    credentialKind: credential.kind,
    credentialId: credential.id,
    method: request.method,
    path: request.url.split('?')[0]!.slice(0, 500),
    ip: request.ip,
    detail: subject ? { ...detail, by: { id: user.id, username: user.username } } : detail,
  });
}
