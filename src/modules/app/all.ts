import type {} from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { aliasedTable, and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { auditLog, oauthAppTokens, oauthClients, oauthPayloads, users } from '../../db/schema/index.js';
import { revokeGrants } from '../../oauth/adapter.js';
import { revokeClientTokens } from '../../oauth/clients.js';
import { AppSchema } from './routes.js';
import { inAccountOrShared } from '../../db/scoped.js';
import { appView, deleteClientRow, loadManageableApp, rotateClientSecret } from './service.js';

/**
 * "All applications" for superusers (the console's admin screen; the JSON side of /o/applications/): every application
 * the superuser manages, with its owner, its integration user and when it was last used, and the actions on them.
 */

const Iso = Type.String({ format: 'date-time' });
const UserRef = Type.Union([Type.Object({ id: Type.Integer(), username: Type.String() }), Type.Null()]);
const ApplicationSchema = Type.Composite([
  AppSchema,
  Type.Object({
    account_id: Type.Union([Type.Integer(), Type.Null()], { description: 'null: instance-wide (serves every account).' }),
    owner: UserRef,
    integration_user: UserRef,
    last_used: Type.Union([Iso, Type.Null()], { description: "The last request of this account's users made with the application's tokens." }),
  }),
]);
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const tags = ['App'];
const access = (action: 'view' | 'change' | 'delete') => ({ ruleset: 'app' as const, action, superuser: true });

export async function allApplicationRoutes(app: FastifyInstance) {
  app.route({
    method: 'GET',
    url: '/api/v1/Application',
    config: { access: access('view') },
    schema: {
      tags,
      summary: "Every application a superuser manages: the account's apps and the instance-wide clients, with owner, integration user and last use",
      response: { 200: Type.Array(ApplicationSchema) },
    },
    handler: async (req) => listApplications(req.ctx!),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/Application/:id/secret',
    config: { access: access('change') },
    schema: {
      tags,
      summary: "Rotate an application's client secret (shown once); tokens already issued stay valid until they expire",
      params: Id,
      response: { 200: Type.Object({ client_id: Type.String(), client_secret: Type.String() }) },
    },
    handler: async (req) => rotate(req.ctx!, (req.params as { id: number }).id),
  });
  app.route({
    method: 'DELETE',
    url: '/api/v1/Application/:id/Token',
    config: { access: access('delete') },
    schema: {
      tags,
      summary: "Revoke every token the application issued to this account's users (an instance-wide client keeps other accounts' tokens)",
      params: Id,
      response: { 200: Type.Object({ revoked: Type.Integer({ description: 'Grants and tokens revoked.' }) }) },
    },
    handler: async (req) => revokeAll(req.ctx!, (req.params as { id: number }).id),
  });
  app.route({
    method: 'DELETE',
    url: '/api/v1/Application/:id',
    config: { access: access('delete') },
    schema: {
      tags,
      summary: 'Delete an application of the account and revoke everything it issued; instance-wide clients cannot be deleted',
      params: Id,
      response: { 204: Type.Null() },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const row = await loadManageableApp(ctx, (req.params as { id: number }).id);
      await deleteClientRow(ctx, row);
      ctx.audit('app.deleted', { client_id: row.clientId });
      return reply.code(204).send();
    },
  });
}

export async function listApplications(ctx: RequestContext) {
  const owner = aliasedTable(users, 'owner');
  const integration = aliasedTable(users, 'integration');
  const rows = await ctx.db
    .select({ app: oauthClients, ownerName: owner.username, integrationName: integration.username })
    .from(oauthClients)
    .leftJoin(owner, and(eq(owner.id, oauthClients.ownerId), eq(owner.accountId, ctx.accountId)))
    .leftJoin(integration, and(eq(integration.id, oauthClients.integrationUserId), eq(integration.accountId, ctx.accountId)))
    .where(inAccountOrShared(ctx, oauthClients))
    .orderBy(asc(oauthClients.id));
  // Last use from this account's audit trail only: an instance-wide client's use by other accounts is theirs.
  const clientId = sql<string>`${auditLog.detail}->>'clientId'`;
  const used = rows.length
    ? await ctx.db
        .select({ clientId, at: sql<Date | string>`max(${auditLog.at})` })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.accountId, ctx.accountId),
            eq(auditLog.event, 'request'),
            inArray(
              clientId,
              rows.map((r) => r.app.clientId),
            ),
          ),
        )
        .groupBy(clientId)
    : [];
  const lastUsed = new Map(used.map((u) => [u.clientId, new Date(u.at).toISOString()]));
  return rows.map(({ app, ownerName, integrationName }) => ({
    ...appView(app),
    account_id: app.accountId,
    owner: app.ownerId && ownerName ? { id: app.ownerId, username: ownerName } : null,
    integration_user: app.integrationUserId && integrationName ? { id: app.integrationUserId, username: integrationName } : null,
    last_used: lastUsed.get(app.clientId) ?? null,
  }));
}

async function rotate(ctx: RequestContext, id: number) {
  const row = await loadManageableApp(ctx, id);
  const rotated = await rotateClientSecret(ctx, row);
  ctx.audit('app.secret_rotated', { client_id: row.clientId });
  return rotated;
}

/** Everything the application issued to this account's users: token-manager tokens, grants, client-credentials tokens. */
async function revokeAll(ctx: RequestContext, id: number) {
  const row = await loadManageableApp(ctx, id);
  const appTokens = await ctx.db
    .update(oauthAppTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(oauthAppTokens.accountId, ctx.accountId), eq(oauthAppTokens.clientId, row.clientId), isNull(oauthAppTokens.revokedAt)))
    .returning({ id: oauthAppTokens.id });
  const accountUsers = ctx.db.select({ id: users.id }).from(users).where(eq(users.accountId, ctx.accountId));
  const grants = await ctx.db
    .selectDistinct({ g: oauthPayloads.grantId })
    .from(oauthPayloads)
    .where(and(eq(oauthPayloads.clientId, row.clientId), isNotNull(oauthPayloads.grantId), inArray(oauthPayloads.userId, accountUsers)));
  await revokeGrants(
    ctx.db,
    ctx.machinery.bus,
    grants.map((r) => r.g!),
  );
  let revoked = grants.length;
  if (row.accountId !== null) {
    // The account's own client: also what has no grant (client-credentials tokens), then whatever is left of it.
    const rest = await ctx.db
      .delete(oauthPayloads)
      .where(and(eq(oauthPayloads.clientId, row.clientId), isNull(oauthPayloads.grantId), eq(oauthPayloads.model, 'ClientCredentials')))
      .returning({ key: oauthPayloads.key });
    revoked += rest.length;
    await revokeClientTokens(ctx.db, ctx.machinery.bus, row.clientId);
  }
  revoked = Math.max(revoked, appTokens.length);
  if (revoked) ctx.audit('token.revoked', { client_id: row.clientId, tokens: revoked });
  return { revoked };
}
