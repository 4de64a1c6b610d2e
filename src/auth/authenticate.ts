import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cookieOf } from '../http/cookies.js';
import { ApiError } from '../http/errors.js';
import type { HttpsPolicy } from '../http/https.js';
import type { AuthDeps } from './deps.js';
import type { Principal } from './principal.js';
import type { Contexts } from './context.js';
import { ApiKeyScheme } from './schemes/apikey.js';
import { BasicScheme } from './schemes/basic.js';
import { BearerScheme, type BearerResolver } from './schemes/bearer.js';
import { PersonalTokenScheme } from './schemes/token.js';
import { checkSameSite, CSRF_HEADER, SESSION_COOKIE, SessionScheme, SID_COOKIE } from './schemes/session.js';
import { accessHook } from '../access/guard.js';
import { hooksOf } from '../http/input.js';
import { LIMITS } from '../defaults.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** No credential of ours comes near this; longer headers are refused before any decoding or lookup. */
export const MAX_AUTHORIZATION_LENGTH = LIMITS.authorizationHeader;

/** Who is calling: dispatches the Authorization header (or session cookie) to its scheme. */
export class Authenticator {
  readonly apiKeys: ApiKeyScheme;
  readonly tokens: PersonalTokenScheme;
  readonly sessions: SessionScheme;
  readonly basic: BasicScheme;
  readonly bearer: BearerScheme;

  constructor(private readonly deps: AuthDeps) {
    this.apiKeys = new ApiKeyScheme(deps);
    this.tokens = new PersonalTokenScheme(deps);
    this.sessions = new SessionScheme(deps);
    this.basic = new BasicScheme(deps, this.apiKeys);
    this.bearer = new BearerScheme(this.sessions);
  }

  /** The CSRF token that goes with a console session (the secret in its cookie), for the session endpoints to hand out. */
  csrfTokenFor(sessionSecret: string): string {
    return this.sessions.csrfTokenFor(sessionSecret);
  }

  /** Lets another issuer's bearer tokens in (the OAuth provider's): asked, in order, for any that is not a login session's. */
  addBearerResolver(resolver: BearerResolver): void {
    this.bearer.addResolver(resolver);
  }

  /**
   * `Authorization: Token <personal token>` with the token and its user warm in the caches, synchronously; undefined
   * for anything else (`authenticate` answers it). The caller has checked the HTTPS policy.
   */
  warmToken(request: FastifyRequest): Principal | undefined {
    const header = request.headers.authorization;
    if (!header || header.length > MAX_AUTHORIZATION_LENGTH || !header.startsWith('Token ')) return undefined;
    return this.tokens.warm(header.slice(6), request.ip);
  }

  /** The principal behind the request's credentials, null when it sends none; throws on bad credentials. */
  async authenticate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    const ip = request.ip;
    if (header) {
      if (header.length > MAX_AUTHORIZATION_LENGTH) throw new ApiError('credentials.invalid', 'Authorization header too long.');
      const space = header.indexOf(' ');
      const scheme = (space > 0 ? header.slice(0, space) : header).toLowerCase();
      const value = space > 0 ? header.slice(space + 1).trim() : '';
      if (!value) throw new ApiError('credentials.invalid', 'Malformed Authorization header.');
      switch (scheme) {
        case 'basic':
          return this.basic.authenticate(value, ip);
        case 'token': {
          // `token <api_key>:<api_secret>` (seed 004) or `Token <personal token>` (seed 000).
          const colon = value.indexOf(':');
          if (colon > 0) return this.apiKeys.authenticate(value.slice(0, colon), value.slice(colon + 1), ip);
          return this.tokens.authenticate(value, ip);
        }
        case 'bearer':
          return this.bearer.authenticate(value, ip);
        default:
          throw new ApiError('credentials.invalid', `Unsupported authorization scheme "${scheme.slice(0, 20)}".`);
      }
    }
    const cookie = cookieOf(request, SESSION_COOKIE);
    if (cookie) {
      const principal = await this.sessions.authenticate(cookie, 'cookie', ip);
      if (!SAFE_METHODS.has(request.method)) {
        const csrf = request.headers[CSRF_HEADER];
        this.sessions.checkCsrf(cookie, Array.isArray(csrf) ? csrf[0] : csrf);
      }
      return principal;
    }
    const sid = request.routeOptions.config.sessionCookie === SID_COOKIE ? cookieOf(request, SID_COOKIE) : undefined;
    if (sid) {
      const principal = await this.sessions.authenticate(sid, 'cookie', ip);
      if (!SAFE_METHODS.has(request.method)) checkSameSite(request.headers, `${request.protocol}://${request.host}`);
      return principal;
    }
    return null;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: import('./context.js').RequestContext | null;
  }
}

/**
 * The authenticate hook: runs on every non-public route, before the body is read, and sets `request.ctx`; the guard
 * follows in the same hook (src/access/guard.ts `accessHook`). Attached per route when the route registers, first
 * among its own onRequest hooks, so a public route or a 404 pays nothing for it and no request looks its route up.
 * Credentials over plain HTTP are refused before they are looked at.
 */
export function registerAuthentication(app: FastifyInstance, authenticator: Authenticator, contexts: Contexts, https: HttpsPolicy, benchmarkAsUser?: number) {
  app.decorateRequest('ctx', null);
  const parts = { authenticator, contexts, https };
  const authenticate =
    benchmarkAsUser === undefined
      ? (request: FastifyRequest) => {
          // A warm personal token is answered without a promise; everything else takes the whole path.
          const warm = https.isSecure(request) ? authenticator.warmToken(request) : undefined;
          if (!warm) return authenticateRequest(request, parts);
          request.ctx = contexts.for(warm, request.ip, request);
        }
      : async (request: FastifyRequest) => {
          const user = (await contexts.machinery.users.get(benchmarkAsUser))!;
          request.ctx = contexts.for({ user, credential: { kind: 'password', id: null }, scope: null }, request.ip, request);
        };
  app.addHook('onRoute', (opts) => {
    const access = opts.config?.access;
    if (access === 'public' || access === undefined) return;
    opts.onRequest = [accessHook(access, authenticate), ...hooksOf(opts.onRequest)];
  });
}

/** What authenticating a request takes (the instance's services carry all three). */
export interface AuthenticationParts {
  authenticator: Authenticator;
  contexts: Contexts;
  https: HttpsPolicy;
}

/**
 * Sets `request.ctx` from the request's credentials (none: stays null). The hook above runs it for every route that
 * declares access; a public route that only sometimes needs a caller (Frappe's `POST /` with `cmd=…`) runs it itself.
 * Credentials over plain HTTP are refused before they are looked at.
 */
export async function authenticateRequest(request: FastifyRequest, { authenticator, contexts, https }: AuthenticationParts): Promise<void> {
  const cookie = request.headers.cookie;
  const sentCookie =
    cookie?.includes(SESSION_COOKIE) || (request.routeOptions.config.sessionCookie === SID_COOKIE && cookieOf(request, SID_COOKIE) !== undefined);
  if ((request.headers.authorization || sentCookie) && !https.isSecure(request)) {
    throw new ApiError('https.required');
  }
  const principal = await authenticator.authenticate(request);
  if (principal) request.ctx = contexts.for(principal, request.ip, request);
}
