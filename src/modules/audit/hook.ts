import type { FastifyInstance } from 'fastify';
import type { AuditWriter } from '../../audit/writer.js';

/**
 * Every request made with a credential is logged against its user and credential (seed 004). Synchronous and cheap
 * to enqueue: the entry joins the writer's queue, which reaches the database in batches off the request's path.
 */
export function registerAuditTrail(app: FastifyInstance, audit: AuditWriter) {
  app.addHook('onResponse', (request, reply, done) => {
    const ctx = request.ctx;
    if (ctx) {
      const { user, credential, clientId } = ctx.principal;
      const url = request.url;
      audit.write({
        accountId: ctx.accountId,
        userId: user.id,
        username: user.username,
        event: 'request',
        credentialKind: credential.kind,
        credentialId: credential.id,
        method: request.method,
        path: url.length > 500 ? url.slice(0, 500) : url,
        status: reply.statusCode,
        ip: request.ip,
        detail: clientId ? { clientId } : null,
      });
    }
    done();
  });
}
