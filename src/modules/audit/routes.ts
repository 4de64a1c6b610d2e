import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { afterQuery, listOf, pageQuery } from '../../http/list/engine.js';
import { listAudit } from './service.js';
import { auditSummary, CREDENTIAL_KINDS } from './summary.js';

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

/** The audit log's list query: paging, the keyset cursor and the filters. */
export const AuditQuery = Type.Object(
  {
    ...pageQuery,
    ...afterQuery,
    userId: Type.Optional(Type.Integer({ minimum: 1 })),
    event: Type.Optional(Type.String({ maxLength: 100 })),
    credentialKind: Type.Optional(Type.Union(['password', 'token', 'apikey', 'session', 'oauth'].map((k) => Type.Literal(k)))),
    method: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,10}$' })),
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, inclusive.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, exclusive.' })),
  },
  { additionalProperties: false },
);

/** The audit summary's query: the range, the bucket size and the horizon of "expiring soon". */
export const SummaryQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, inclusive.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601, exclusive; default now.' })),
    bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')])),
    expiringWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
);

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const days = app.qm.config.auditRetentionDays;
  const kept =
    days > 0 ? `Entries are kept for ${days} days (QM_AUDIT_RETENTION_DAYS), then deleted.` : 'Entries are kept forever (QM_AUDIT_RETENTION_DAYS=0).';
  app.route({
    method: 'GET',
    url: '/api/v1/AuditLog',
    config: { access: { ruleset: 'user', action: 'view' } },
    schema: {
      tags: ['AuditLog'],
      summary: "The account's audit trail, newest first",
      description: `Every request made with a credential, and every auth event. Written asynchronously: an entry appears within about a second. ${kept}`,
      querystring: AuditQuery,
      response: { 200: listOf(AuditEntrySchema) },
    },
    handler: (req) => listAudit(req.ctx!, req.query),
  });

  const Count = Type.Integer({ minimum: 0 });
  const Iso = Type.String({ format: 'date-time' });
  const NullableStr = Type.Union([Type.String(), Type.Null()]);
  app.route({
    method: 'GET',
    url: '/api/v1/AuditLog/Summary',
    config: { access: { ruleset: 'user', action: 'view' } },
    schema: {
      tags: ['AuditLog'],
      summary: "Aggregates of the account's audit trail, for the console's overview",
      description:
        'Requests per hour (or day) by credential kind and refusals (401/403/429; failed logins and PINs count as 401) over `from`..`to` (default: the last 24 hours, or 30 days by day), ' +
        'the ten busiest credentials and OAuth apps in that range, and, as of now, live tokens expiring within `expiringWithinDays` (default 7) and personal tokens and API keys unused for 90 days.',
      querystring: SummaryQuery,
      response: {
        200: Type.Object({
          from: Iso,
          to: Iso,
          bucket: Type.String(),
          requests: Type.Array(Type.Object({ at: Iso, ...Object.fromEntries(CREDENTIAL_KINDS.map((k) => [k, Count])) })),
          refusals: Type.Array(Type.Object({ at: Iso, 401: Count, 403: Count, 429: Count })),
          busiestCredentials: Type.Array(
            Type.Object({
              kind: Type.String(),
              id: Type.Union([Type.Integer(), Type.Null()]),
              userId: Type.Union([Type.Integer(), Type.Null()]),
              username: NullableStr,
              requests: Count,
            }),
          ),
          busiestApps: Type.Array(Type.Object({ clientId: Type.String(), name: NullableStr, requests: Count })),
          expiringSoon: Type.Array(
            Type.Object({
              kind: Type.String({ enum: ['token', 'app_token'] }),
              id: Type.Integer(),
              name: Type.String(),
              username: Type.String(),
              app: NullableStr,
              expires: Iso,
            }),
          ),
          unused: Type.Array(
            Type.Object({
              kind: Type.String({ enum: ['token', 'apikey'] }),
              id: Type.Integer(),
              name: Type.String(),
              username: Type.String(),
              created: Iso,
              lastUsed: NullableStr,
            }),
          ),
        }),
      },
    },
    handler: (req) => auditSummary(req.ctx!, req.query),
  });
};
