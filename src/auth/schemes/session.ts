import { and, eq, isNull } from 'drizzle-orm';
import { sessions } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import { CredentialCache } from '../cache.js';
import { CACHES } from '../../defaults.js';
import { activeUser, type AuthDeps } from '../deps.js';
import type { Principal } from '../principal.js';
import { hashSecret, isWellFormed, keyedHash, safeEqual } from '../secrets.js';

export const SESSION_COOKIE = 'qm_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Frappe's session cookie: accepted only on routes that declare `config.sessionCookie: 'sid'` (the Frappe dialect). */
export const SID_COOKIE = 'sid';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route also accepts Frappe's `sid` session cookie (see `checkSameSite`). */
    sessionCookie?: 'sid';
  }
}

/**
 * Cross-site protection for the `sid` cookie, whose clients (frappe-client, scripts) send no CSRF header: the
 * cookie is `SameSite=Strict`, and an unsafe request is refused when the browser says it comes from another site
 * (`Sec-Fetch-Site` other than same-origin/none, or an `Origin` that is not this server's). Non-browser clients
 * send neither header.
 */
export function checkSameSite(headers: Record<string, string | string[] | undefined>, selfOrigin: string): void {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new ApiError('csrf.failed', 'Cross-site request refused.');
  const origin = headers.origin;
  if (origin !== undefined && origin !== selfOrigin) throw new ApiError('csrf.failed', 'Cross-site request refused.');
}

interface SessionEntry {
  id: number;
  userId: number;
  kind: 'cookie' | 'token';
  expiresAt: number;
}

/**
 * Sessions from the password + PIN login (seed 002): a console cookie, or an access token (`Bearer qm_ses_…`).
 * A cookie session must send its CSRF token on unsafe methods; the token is an HMAC of the session secret under
 * the instance key, so any instance can check it without storing it.
 */
export class SessionScheme {
  /** By SHA-256 of the session secret; ended and unknown well-formed sessions are negative entries. */
  readonly cache: CredentialCache<string, SessionEntry>;

  constructor(private readonly deps: AuthDeps) {
    this.cache = new CredentialCache(CACHES.sessions, deps.bus);
    deps.bus.on((e) => {
      if (e.t === 'credential') this.cache.delete(e.hash);
    });
  }

  csrfTokenFor(sessionSecret: string): string {
    return keyedHash(this.deps.serverKey, `csrf:${sessionSecret}`);
  }

  async authenticate(secret: string, kind: 'cookie' | 'token', ip: string): Promise<Principal> {
    if (!isWellFormed(secret, 'ses')) throw new ApiError('token.invalid');
    const hash = hashSecret(secret);
    let entry = this.cache.get(hash);
    if (entry === undefined) entry = await this.cache.load(hash, () => this.lookup(hash));
    if (!entry) throw new ApiError('token.invalid');
    // A cookie session is not a bearer token and vice versa.
    if (entry.kind !== kind) throw new ApiError('token.invalid');
    if (entry.expiresAt <= Date.now()) throw new ApiError('token.expired');
    const user = await activeUser(this.deps, entry.userId, 'token.invalid');
    this.deps.usage.touch('sessions', entry.id, ip);
    return { user, credential: { kind: 'session', id: entry.id }, scope: null };
  }

  private async lookup(hash: string): Promise<SessionEntry | null> {
    const [row] = await this.deps.db
      .select({ id: sessions.id, userId: sessions.userId, kind: sessions.kind, expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(and(eq(sessions.tokenHash, hash), isNull(sessions.revokedAt)))
      .limit(1);
    return row ? { id: row.id, userId: row.userId, kind: row.kind as SessionEntry['kind'], expiresAt: row.expiresAt.getTime() } : null;
  }

  checkCsrf(sessionSecret: string, presented: string | undefined): void {
    if (!presented || !safeEqual(presented, this.csrfTokenFor(sessionSecret))) throw new ApiError('csrf.failed');
  }
}
