import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { ApiError } from '../http/errors.js';
import { hooksOf } from '../http/input.js';
import { ACTION_BIT, type Action, type Ruleset } from './permissions.js';
import { scopeFor } from './scopes.js';

/**
 * What a route needs, declared once in its `config.access`:
 * - 'public': no credentials (login, token endpoints, docs);
 * - 'authenticated': any valid credential (who am I, my roles);
 * - 'self': a credential carrying the user's whole rights, acting on the user's own credentials (tokens, keys);
 *   an OAuth token is refused, so a narrow token can never mint a wide one. Read-only users may use these;
 * - { ruleset, action }: the data API. Role permission ∩ credential scope, and the read-only rule.
 *   `superuser: true` additionally needs a superuser (and, for OAuth, the a:superuser scope).
 */
export type Access = 'public' | 'authenticated' | 'self' | { ruleset: Ruleset; action: Action; superuser?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function routeAccess(request: FastifyRequest): Access | undefined {
  return request.routeOptions.config.access;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isSafe(method: unknown): boolean {
  return typeof method === 'string' && SAFE_METHODS.has(method.toUpperCase());
}

/**
 * True when a request writes or asks to be treated as a write: any method but GET/HEAD/OPTIONS, or a tunnelled
 * method (X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override, `_method` in the query) that is not safe.
 */
export function isWriteRequest(request: FastifyRequest): boolean {
  if (!SAFE_METHODS.has(request.method)) return true;
  const h = request.headers;
  for (const name of ['x-http-method-override', 'x-http-method', 'x-method-override'] as const) {
    if (h[name] !== undefined && !isSafe(h[name])) return true;
  }
  const q = request.query as Record<string, unknown> | undefined;
  return q !== undefined && q !== null && typeof q === 'object' && '_method' in q && !isSafe(q._method);
}

/**
 * The check behind every declaration. Routes get it from the hook below; a route that serves several declarations
 * (Frappe's `frappe.client.*` methods name their DocType in the body) calls it with the one that applies, and says
 * whether the operation writes (default: the request's method decides).
 */
export function assertAccess(request: FastifyRequest, access: Exclude<Access, 'public'>, write = isWriteRequest(request)): void {
  const ctx = request.ctx;
  if (!ctx) throw new ApiError('auth.required');
  if (access === 'authenticated') return;
  if (access === 'self') {
    if (ctx.principal.scope)
      throw new ApiError('scope.wrong').with({
        reason: 'Managing credentials needs a password, personal token, API key or console session, not an OAuth token.',
      });
    return;
  }
  if (ctx.readOnly && write) throw new ApiError('user.read_only');
  const bit = ACTION_BIT[access.action];
  const { user, scope } = ctx.principal;
  if ((user.rights[access.ruleset] & bit) === 0) {
    throw new ApiError('permission.denied', `You need the ${access.action} permission on ${access.ruleset}.`);
  }
  if (scope && (scope.rights[access.ruleset] & bit) === 0) {
    throw new ApiError('scope.wrong').with({ required_scope: scopeFor(access.ruleset, access.action) });
  }
  if (access.superuser && !ctx.superuser) throw new ApiError('permission.denied', 'Only a superuser may do this.');
}

/**
 * The onRequest hook of a route that declares access other than 'public', built once per route (by the
 * authentication's onRoute hook, first among the route's hooks): who is calling (`authenticate` sets `request.ctx`),
 * then whether they may, before the body is read. The declaration is bound here, not looked up per request.
 */
export function accessHook(access: Exclude<Access, 'public'>, authenticate: (request: FastifyRequest) => Promise<void> | void) {
  return function checkAccess(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    // `authenticate` answers a warm credential synchronously: then no promise (and no closure) at all.
    const pending = authenticate(request);
    if (pending) pending.then(() => enforce(request, access, done), done);
    else enforce(request, access, done);
  };
}

function enforce(request: FastifyRequest, access: Exclude<Access, 'public'>, done: HookHandlerDoneFunction) {
  try {
    assertAccess(request, access);
  } catch (err) {
    return done(err as Error);
  }
  done();
}

/**
 * Checks the routes' declarations as they register, and the read-only rule on parsed bodies. The declaration itself
 * is enforced by each route's access hook (`accessHook`, right after authentication, before the body is read).
 */
export function registerGuard(app: FastifyInstance) {
  // A route without a declaration does not register. The docs UI plugin's routes are the one listed exception.
  // `_method` may also hide in a form or JSON body: a route that takes a body checks it once the body is parsed.
  app.addHook('onRoute', (opts: RouteOptions) => {
    const config = (opts.config ?? {}) as { access?: Access };
    if (config.access === undefined) {
      if (!opts.url.startsWith('/api-doc'))
        throw new Error(`Route ${String(opts.method)} ${opts.url} declares no access: add config.access ('public' if it is)`);
      opts.config = { ...config, access: 'public' };
      return;
    }
    if (typeof config.access === 'object' && takesBody(opts.method)) opts.preValidation = [...hooksOf(opts.preValidation), readOnlyBody];
  });
}

/** Fastify reads a body on every method but GET and HEAD. */
const takesBody = (method: RouteOptions['method']) => (Array.isArray(method) ? method : [method]).some((m) => m !== 'GET' && m !== 'HEAD');

/** A read-only user's body that asks, by `_method`, to be treated as a write. Synchronous: others cost one property read. */
function readOnlyBody(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  if (!request.ctx?.readOnly) return done();
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && '_method' in body && !isSafe(body._method)) return done(new ApiError('user.read_only'));
  done();
}

/** The OpenAPI `security` and permission text a declaration implies (used by the schema document). */
export function describeAccess(access: Access): { security: Record<string, string[]>[]; text: string } {
  const humanSchemes: Record<string, string[]>[] = ['basicAuth', 'tokenAuth', 'apiKeyAuth', 'sessionToken', 'sessionCookie'].map((name) => ({ [name]: [] }));
  if (access === 'public') return { security: [], text: 'Public: no credentials needed.' };
  if (access === 'authenticated') {
    return { security: [...humanSchemes, { oauth2: [] }], text: 'Any authenticated user.' };
  }
  if (access === 'self') {
    return {
      security: humanSchemes,
      text: "Any authenticated user, on their own credentials. Needs a credential with the user's whole rights (not an OAuth token). Allowed for read-only users.",
    };
  }
  const scope = scopeFor(access.ruleset, access.action);
  const parts = [`Requires role permission **${access.action}** on ruleset **${access.ruleset}**; OAuth scope \`${scope}\`.`];
  if (access.superuser) parts.push('Superusers only (OAuth: `a:superuser`).');
  if (access.action !== 'view') parts.push('Refused to read-only users (`user.read_only`).');
  return { security: [{ oauth2: [scope] }, ...humanSchemes], text: parts.join(' ') };
}
