import type { FastifyInstance } from 'fastify';
import type { AuditWriter } from '../../audit/writer.js';

/** Every request made with a credential is logged against its user and credential (seed 004). */
export function registerAuditTrail(app: FastifyInstance, audit: AuditWriter) {
  app.addHook('onResponse', async (request, reply) => {
    const ctx = request.ctx;
    if (!ctx) return;
    const { user, credential } = ctx.principal;
    audit.write({
      accountId: ctx.accountId,
      userId: user.id,
      username: user.username,
      event: 'request',
      credentialKind: credential.kind,
      credentialId: credential.id,
      method: request.method,
      path: request.url.length > 500 ? request.url.slice(0, 500) : request.url,
      status: reply.statusCode,
      ip: request.ip,
      detail: ctx.principal.clientId ? { clientId: ctx.principal.clientId } : null,
    });
  });
}
