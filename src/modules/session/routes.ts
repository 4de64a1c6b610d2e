import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../auth/schemes/session.js';
import { clearCookie, cookieOf, setCookie } from '../../http/cookies.js';
import { ApiError } from '../../http/errors.js';
import { UserViewSchema } from '../me/routes.js';
import { userView } from '../me/service.js';
import { endSession, openSession, SESSION_TTL_S } from './service.js';
import { createPinChallenge, passwordStep, pinStep, PIN_ATTEMPTS, PIN_TOKEN_TTL_S } from './login.js';

const tags = ['Login'];
const WantsToken = Type.Object({
  token: Type.Optional(
    Type.String({ enum: ['1', '0', 'true', 'false'], description: '1: answer an access token (Bearer qm_ses_…) instead of setting a cookie.' }),
  ),
});
const SessionBody = Type.Object({ user: UserViewSchema, csrf_token: Type.String() });
const AccessToken = Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() });
const PinChallenge = Type.Object({ pin_token: Type.String(), expires_in: Type.Integer() });

const wantsToken = (v: string | undefined) => v === '1' || v === 'true';
const COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

/**
 * The console and POS login (seed 002): username or email + password → (PIN token → PIN) → a session cookie with
 * its CSRF token, or with `?token=1` an access token. Public routes, so the HTTPS rule is checked here.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { authenticator, contexts, https, users } = app.qm;
  const deps = app.qm.machinery;

  /** Opens the session and answers it in the form asked for. */
  async function startSession(
    req: FastifyRequest,
    reply: FastifyReply,
    row: { id: number; accountId: number; username: string },
    asToken: boolean,
    method: string,
  ) {
    const session = await openSession(req, row, asToken ? 'token' : 'cookie', { method });
    const { secret } = session;
    if (asToken) return reply.code(200).send({ access_token: secret, token_type: 'Bearer', expires_in: SESSION_TTL_S });
    // The console shows the user as of this login: their state read afresh, in the context of the session just opened.
    users.invalidate(row.id);
    const user = await users.get(row.id);
    if (!user) throw new ApiError('credentials.invalid');
    const ctx = contexts.for({ user, credential: { kind: 'session', id: session.id }, scope: null }, req.ip);
    setCookie(reply, SESSION_COOKIE, secret, { ...COOKIE_OPTIONS, maxAge: SESSION_TTL_S });
    return reply.code(200).send({ user: await userView(ctx), csrf_token: authenticator.csrfTokenFor(secret) });
  }

  // Refused before the body is even parsed: credentials over plain HTTP are never looked at.
  const requireHttps = async (req: FastifyRequest) => https.assertSecure(req);

  app.route({
    method: 'POST',
    url: '/api/auth/login',
    config: { access: 'public' },
    onRequest: requireHttps,
    schema: {
      tags,
      summary: 'Log in with username (or email) and password',
      description:
        'JSON or form body. A user with a PIN gets a `pin_token` for POST /api/auth/pin; otherwise a session: cookie `qm_session` + CSRF token, or with `?token=1` an access token. HTTPS only (loopback aside). Failed attempts lock the login (429 rate_limited).',
      querystring: WantsToken,
      body: Type.Object({
        username: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
        email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
        password: Type.String({ minLength: 1, maxLength: 1024 }),
      }),
      response: { 200: Type.Union([SessionBody, AccessToken, PinChallenge]) },
    },
    handler: async (req, reply) => {
      const login = req.body.username ?? req.body.email;
      if (!login) throw ApiError.validation({ username: ['username or email is required'] });
      const row = await passwordStep(deps, login, req.body.password, req.ip);
      if (row.pinHash) return createPinChallenge(deps.db, row);
      return startSession(req, reply, row, wantsToken(req.query.token), 'password');
    },
  });

  app.route({
    method: 'POST',
    url: '/api/auth/pin',
    config: { access: 'public' },
    onRequest: requireHttps,
    schema: {
      tags,
      summary: 'Second step: the PIN',
      description: `A PIN token allows ${PIN_ATTEMPTS} attempts within its ${PIN_TOKEN_TTL_S / 60} minutes; PIN failures also lock the user and the address (429 rate_limited).`,
      querystring: WantsToken,
      body: Type.Object({ pin_token: Type.String({ minLength: 1, maxLength: 200 }), pin: Type.String({ minLength: 1, maxLength: 32 }) }),
      response: { 200: Type.Union([SessionBody, AccessToken]) },
    },
    handler: async (req, reply) => {
      const row = await pinStep(deps, { pinToken: req.body.pin_token }, req.body.pin, req.ip);
      return startSession(req, reply, row, wantsToken(req.query.token), 'password+pin');
    },
  });

  app.route({
    method: 'POST',
    url: '/api/auth/logout',
    config: { access: 'authenticated' },
    schema: { tags, summary: 'End the current session (cookie or qm_ses access token)', response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const { credential } = ctx.principal;
      if (credential.kind !== 'session' || credential.id === null) {
        throw ApiError.validation({ authorization: ['logout ends a console session or a qm_ses access token; revoke other credentials instead'] });
      }
      await endSession(deps, ctx.accountId, credential.id);
      ctx.audit('session.revoked', { sessionId: credential.id, logout: true });
      clearCookie(reply, SESSION_COOKIE, COOKIE_OPTIONS);
      return reply.code(204).send(null);
    },
  });

  app.route({
    method: 'GET',
    url: '/api/auth/session',
    config: { access: 'authenticated' },
    schema: { tags, summary: 'The current console session: user and CSRF token', response: { 200: SessionBody } },
    handler: async (req) => {
      const ctx = req.ctx!;
      const cookie = cookieOf(req, SESSION_COOKIE);
      if (ctx.principal.credential.kind !== 'session' || !cookie || req.headers.authorization) throw ApiError.notFound('No console session.');
      return { user: await userView(ctx), csrf_token: authenticator.csrfTokenFor(cookie) };
    },
  });
};
