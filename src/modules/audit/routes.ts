import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { pageOf, pageQuery } from '../../http/paging.js';
import { listAudit } from './service.js';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(s: T) => Type.Union([s, Type.Null()]);

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  event: Type.String({ description: "'request', 'login', 'login.failed', 'pin.failed', 'token.issued', 'token.revoked', …" }),
  userId: Nullable(Type.Integer()),
  username: Nullable(Type.String()),
  credentialKind: Nullable(Type.String({ description: 'password, token, apikey, session or oauth' })),
  credentialId: Nullable(Type.Integer()),
  method: Nullable(Type.String()),
  path: Nullable(Type.String()),
  status: Nullable(Type.Integer()),
  ip: Nullable(Type.String()),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const days = app.qm.config.auditRetentionDays;
  const kept = days > 0 ? `Entries are kept for ${days} days (QM_AUDIT_RETENTION_DAYS), then deleted.` : 'Entries are kept forever (QM_AUDIT_RETENTION_DAYS=0).';
  app.route({
    method: 'GET',
    url: '/api/v1/AuditLog',
    config: { access: { ruleset: 'user', action: 'view' } },
    schema: {
      tags: ['AuditLog'],
      summary: "The account's audit trail, newest first",
      description: `Every request made with a credential, and every auth event. Written asynchronously: an entry appears within about a second. ${kept}`,
      querystring: Type.Object(
        {
          ...pageQuery,
          userId: Type.Optional(Type.Integer({ minimum: 1 })),
          event: Type.Optional(Type.String({ maxLength: 100 })),
          credentialKind: Type.Optional(Type.Union(['password', 'token', 'apikey', 'session', 'oauth'].map((k) => Type.Literal(k)))),
          method: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,10}$' })),
          status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
          from: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, inclusive.' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, exclusive.' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: pageOf(AuditEntrySchema) },
    },
    handler: (req) => listAudit(req.ctx!, req.query),
  });
};
