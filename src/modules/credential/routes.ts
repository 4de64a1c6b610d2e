import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RequestContext } from '../../auth/principal.js';
import { users } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import { exactJsonContentType } from '../../http/content-type.js';
import {
  generateApiKey,
  getApiKey,
  issuePersonalToken,
  listPersonalTokens,
  listSessions,
  personalTokenFor,
  revokeApiKey,
  revokePersonalToken,
  revokeSessions,
} from './service.js';

const TokenName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\x00-\\x1f]+$' });
const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const TokenMeta = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  hint: Type.String({ description: 'The first characters of the token, to recognise it.' }),
  created: Iso,
  expires: Nullable(Iso),
  lastUsed: Nullable(Iso),
  lastUsedIp: Nullable(Type.String()),
});
const ApiKeyMeta = Type.Object({
  id: Type.Integer(),
  api_key: Type.String(),
  created: Iso,
  rotated: Nullable(Iso),
  lastUsed: Nullable(Iso),
  lastUsedIp: Nullable(Type.String()),
});
const SessionMeta = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ enum: ['cookie', 'token'] }),
  created: Iso,
  expires: Iso,
  lastUsed: Nullable(Iso),
  lastUsedIp: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
});
const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const MAX_EXPIRES_IN = 10 * 366 * 86_400;

/** The user an admin route acts on: same account, else 404; a superuser's credentials only for a superuser. */
async function targetUser(ctx: RequestContext, id: number) {
  const [u] = await ctx.db
    .select({ id: users.id, accountId: users.accountId, username: users.username, isSuperuser: users.isSuperuser })
    .from(users)
    .where(ctx.byId(users, id))
    .limit(1);
  if (!u) throw ApiError.notFound(`User ${id} not found.`);
  if (u.isSuperuser && !ctx.superuser) throw new ApiError('permission.denied', "Only a superuser may manage a superuser's credentials.");
  return u;
}

const selfTags = ['Credentials'];
const adminTags = ['User'];
const userAdmin = { ruleset: 'user', action: 'change' } as const;

/**
 * Personal tokens (seed 000), API keys (seed 004), and the admin view of a user's credentials. Secrets are
 * answered once, at creation; every other answer shows metadata only.
 */
export const credentialRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { usage } = app.qm;

  app.route({
    method: 'GET',
    url: '/api/user/token/',
    // A HEAD could issue a token and throw it away: only GET answers.
    exposeHeadRoute: false,
    config: { access: 'self' },
    // InvenTree's python client calls this and wants exactly application/json.
    onSend: exactJsonContentType,
    schema: {
      tags: selfTags,
      summary: 'Get my personal token (InvenTree compatible)',
      description:
        'Answers the live personal token named `name` (default "default"): the same token each time, until it expires or is revoked, so scripts that ask on every start do not log each other out. ' +
        'The first call for a name creates it. `new=1` replaces it explicitly (the previous token of that name stops working at once). ' +
        'Only a hash and a salt are stored; the token is derived from the server key, which is kept outside the database. ' +
        'A live token of that name that cannot be shown again (created by POST /api/user/tokens/) answers 409 conflict.',
      querystring: Type.Object({
        name: Type.Optional(TokenName),
        new: Type.Optional(
          Type.Union(
            ['1', 'true', '0', 'false'].map((v) => Type.Literal(v)),
            { description: '1: replace the token of this name with a new one.' },
          ),
        ),
      }),
      response: { 200: Type.Object({ token: Type.String(), name: Type.String(), expiry: Nullable(Iso) }) },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      const name = req.query.name ?? 'default';
      if (req.query.new === '1' || req.query.new === 'true') {
        const { token, row, replaced } = await issuePersonalToken(ctx, { name, derived: true });
        ctx.audit('token.issued', { tokenId: row.id, name, rotated: replaced });
        return { token, name, expiry: row.expiresAt?.toISOString() ?? null };
      }
      const { token, row, issued } = await personalTokenFor(ctx, { name });
      if (issued) ctx.audit('token.issued', { tokenId: row.id, name, rotated: false });
      return { token, name, expiry: row.expiresAt?.toISOString() ?? null };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/user/tokens/',
    config: { access: 'self' },
    schema: { tags: selfTags, summary: 'List my personal tokens (never the tokens themselves)', response: { 200: Type.Array(TokenMeta) } },
    handler: async (req) => {
      await usage.flush();
      return listPersonalTokens(req.ctx!);
    },
  });

  app.route({
    method: 'POST',
    url: '/api/user/tokens/',
    config: { access: 'self' },
    schema: {
      tags: selfTags,
      summary: 'Create a personal token',
      description:
        'Answers the token once. `expires` (a future date-time) or `expiresIn` (seconds) sets an expiry; neither: no expiry. A live token of the same name → 409 conflict.',
      body: Type.Object(
        {
          name: TokenName,
          expires: Type.Optional(Iso),
          expiresIn: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_EXPIRES_IN })),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Composite([TokenMeta, Type.Object({ token: Type.String() })]) },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const { name, expires, expiresIn } = req.body;
      if (expires !== undefined && expiresIn !== undefined) throw ApiError.validation({ expires: ['give either expires or expiresIn, not both'] });
      let expiresAt: Date | null = null;
      if (expires !== undefined) {
        expiresAt = new Date(expires);
        if (!(expiresAt.getTime() > Date.now())) throw ApiError.validation({ expires: ['must be in the future'] });
        if (expiresAt.getTime() > Date.now() + MAX_EXPIRES_IN * 1000) throw ApiError.validation({ expires: ['must be within ten years'] });
      } else if (expiresIn !== undefined) {
        expiresAt = new Date(Date.now() + expiresIn * 1000);
      }
      const { token, row } = await issuePersonalToken(ctx, { name, expiresAt, replace: false });
      ctx.audit('token.issued', { tokenId: row.id, name, expires: expiresAt?.toISOString() ?? null });
      return reply.code(201).send({
        id: row.id,
        name: row.name,
        hint: row.hint,
        created: row.createdAt.toISOString(),
        expires: row.expiresAt?.toISOString() ?? null,
        lastUsed: null,
        lastUsedIp: null,
        token,
      });
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/user/tokens/:id',
    config: { access: 'self' },
    schema: { tags: selfTags, summary: 'Revoke one of my personal tokens', params: IdParam, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      await revokePersonalToken(ctx, { tokenId: req.params.id });
      ctx.audit('token.revoked', { tokenId: req.params.id });
      return reply.code(204).send(null);
    },
  });

  app.route({
    method: 'POST',
    url: '/api/user/apikey/',
    config: { access: 'self' },
    schema: {
      tags: selfTags,
      summary: 'Generate my API key and secret (Frappe compatible)',
      description: 'Answers the secret once. Generating again keeps the api_key and replaces the secret: the old secret stops working at once.',
      response: { 201: Type.Object({ api_key: Type.String(), api_secret: Type.String() }) },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const { apiKey, apiSecret, id, regenerated } = await generateApiKey(ctx);
      ctx.audit('apikey.generated', { apiKeyId: id, regenerated });
      return reply.code(201).send({ api_key: apiKey, api_secret: apiSecret });
    },
  });

  app.route({
    method: 'GET',
    url: '/api/user/apikey/',
    config: { access: 'self' },
    schema: { tags: selfTags, summary: 'My API key (never the secret)', response: { 200: ApiKeyMeta } },
    handler: async (req) => {
      await usage.flush();
      const key = await getApiKey(req.ctx!);
      if (!key) throw ApiError.notFound('No API key: generate one with POST /api/user/apikey/.');
      return key;
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/user/apikey/',
    config: { access: 'self' },
    schema: { tags: selfTags, summary: 'Revoke my API key', response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      await revokeApiKey(ctx);
      ctx.audit('apikey.revoked', {});
      return reply.code(204).send(null);
    },
  });

  app.route({
    method: 'GET',
    url: '/api/user/sessions/',
    config: { access: 'self' },
    schema: {
      tags: selfTags,
      summary: 'My live console sessions and PIN-login access tokens (`current` marks the one making this request)',
      response: { 200: Type.Array(Type.Composite([SessionMeta, Type.Object({ current: Type.Boolean() })])) },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      await usage.flush();
      const { credential } = ctx.principal;
      const current = credential.kind === 'session' ? credential.id : null;
      return (await listSessions(ctx)).map((s) => ({ ...s, current: s.id === current }));
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/user/sessions/:id',
    config: { access: 'self' },
    schema: { tags: selfTags, summary: 'End one of my sessions (e.g. one left open on another device)', params: IdParam, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const revoked = await revokeSessions(ctx, { sessionId: req.params.id });
      if (!revoked) throw ApiError.notFound('No such live session.');
      ctx.audit('session.revoked', { sessionId: req.params.id });
      return reply.code(204).send(null);
    },
  });

  // The admin side: a user's credentials, for whoever may change users of the account.
  app.route({
    method: 'GET',
    url: '/api/v1/User/:id/Credentials',
    config: { access: userAdmin },
    schema: {
      tags: adminTags,
      summary: "A user's credentials: personal tokens, API key, live sessions (never secrets)",
      params: IdParam,
      response: {
        200: Type.Object({
          user: Type.Object({ id: Type.Integer(), username: Type.String() }),
          tokens: Type.Array(TokenMeta),
          apiKey: Type.Union([ApiKeyMeta, Type.Null()]),
          sessions: Type.Array(SessionMeta),
        }),
      },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      const u = await targetUser(ctx, req.params.id);
      await usage.flush();
      const whose = { userId: u.id };
      const [tokens, apiKey, sessions] = await Promise.all([listPersonalTokens(ctx, whose), getApiKey(ctx, whose), listSessions(ctx, whose)]);
      return { user: { id: u.id, username: u.username }, tokens, apiKey, sessions };
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/User/:id/Credentials/tokens/:tokenId',
    config: { access: userAdmin },
    schema: {
      tags: adminTags,
      summary: "Revoke a user's personal token",
      params: Type.Object({ id: Type.Integer({ minimum: 1 }), tokenId: Type.Integer({ minimum: 1 }) }),
      response: { 204: Type.Null() },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const u = await targetUser(ctx, req.params.id);
      await revokePersonalToken(ctx, { userId: u.id, tokenId: req.params.tokenId });
      ctx.audit('token.revoked', { tokenId: req.params.tokenId }, { subject: u });
      return reply.code(204).send(null);
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/User/:id/Credentials/apikey',
    config: { access: userAdmin },
    schema: { tags: adminTags, summary: "Revoke a user's API key", params: IdParam, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const u = await targetUser(ctx, req.params.id);
      await revokeApiKey(ctx, { userId: u.id });
      ctx.audit('apikey.revoked', {}, { subject: u });
      return reply.code(204).send(null);
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/User/:id/Credentials/sessions',
    config: { access: userAdmin },
    schema: {
      tags: adminTags,
      summary: "Revoke all of a user's console sessions and PIN-login access tokens",
      params: IdParam,
      response: { 200: Type.Object({ revoked: Type.Integer() }) },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      const u = await targetUser(ctx, req.params.id);
      const revoked = await revokeSessions(ctx, { userId: u.id });
      ctx.audit('session.revoked', { all: true, count: revoked }, { subject: u });
      return { revoked };
    },
  });
};
