import { eq, or, sql } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import { badText } from '../../http/input.js';
import { activeUser, type AuthDeps } from '../deps.js';
import { Lockout } from '../lockout.js';
import { VerifiedCredentialCache, verifyPassword } from '../passwords.js';
import type { Principal } from '../principal.js';
import { ApiKeyScheme } from './apikey.js';
import { LIMITS } from '../../defaults.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits a Basic credential (RFC 7617); null when it is not base64 of `user:pass`. */
export function decodeBasic(encoded: string): { user: string; pass: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  let decoded: string;
  try {
    decoded = strictUtf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return null;
  }
  // No name or password holds a NUL: refused like any malformed header, before a lookup.
  if (decoded.includes('\u0000')) return null;
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

export const MAX_LOGIN_LENGTH = LIMITS.loginLength;

/** Looks up a login name (username or email, case-insensitive). */
export async function findLogin(deps: AuthDeps, login: string) {
  const lower = login.toLowerCase();
  const [row] = await deps.db
    .select({
      id: users.id,
      passwordHash: users.passwordHash,
      pinHash: users.pinHash,
      isActive: users.isActive,
      kind: users.kind,
      accountId: users.accountId,
      username: users.username,
      email: users.email,
    })
    .from(users)
    .where(or(eq(sql`lower(${users.username})`, lower), eq(sql`lower(${users.email})`, lower)))
    .limit(1);
  return row;
}

/**
 * Verifies a human password with lockout and audit. Shared by Basic auth and the console/POS login.
 * Integration users have no password and cannot log in this way.
 */
export async function verifyLogin(deps: AuthDeps, login: string, password: string, ip: string) {
  // No user has a longer name or email: refuse without a lookup or a lockout row keyed by an attacker's megabyte.
  if (login.length > MAX_LOGIN_LENGTH) throw new ApiError('credentials.invalid', 'Invalid username or password.');
  // Nor one with a NUL or broken Unicode (which the database would refuse): the same answer as a wrong password.
  if (badText(login) || badText(password)) throw new ApiError('credentials.invalid', 'Invalid username or password.');
  const row = await findLogin(deps, login);
  const keys = Lockout.userKeys(login, row?.id);
  await deps.lockout.assertOpen([...keys, `ip:${ip}`]);
  const ok = await verifyPassword(row?.kind === 'human' ? row.passwordHash : null, password);
  if (!row || !ok) {
    await deps.lockout.recordFailure(keys, ip);
    deps.audit.write({ accountId: row?.accountId ?? null, userId: row?.id ?? null, username: login.slice(0, 150), event: 'login.failed', ip });
    throw new ApiError('credentials.invalid', 'Invalid username or password.');
  }
  await deps.lockout.recordSuccess(keys);
  return row;
}

/** `Authorization: Basic …` with a username (or email) and password, or with an API key and secret (seed 004). */
export class BasicScheme {
  readonly verified = new VerifiedCredentialCache();

  constructor(
    private readonly deps: AuthDeps,
    private readonly apiKeys: ApiKeyScheme,
  ) {
    deps.bus.on((e) => {
      if (e.t === 'user') this.verified.forgetUser(e.id);
      if (e.t === 'account') this.verified.forgetAccount(e.id);
    });
  }

  async authenticate(encoded: string, ip: string): Promise<Principal> {
    const creds = decodeBasic(encoded);
    if (!creds) throw new ApiError('credentials.invalid', 'Malformed Basic credentials.');
    if (ApiKeyScheme.looksLikeKey(creds.user)) return this.apiKeys.authenticate(creds.user, creds.pass, ip);

    const cacheKey = this.verified.keyFor(encoded);
    const hit = this.verified.get(cacheKey);
    if (hit) {
      const user = await activeUser(this.deps, hit.userId, 'credentials.invalid');
      if (user.securityStamp === hit.stamp && user.kind === 'human') return { user, credential: { kind: 'password', id: null }, scope: null };
    }
    const row = await verifyLogin(this.deps, creds.user, creds.pass, ip);
    this.deps.users.invalidate(row.id);
    const user = await activeUser(this.deps, row.id, 'credentials.invalid');
    this.verified.set(cacheKey, user);
    return { user, credential: { kind: 'password', id: null }, scope: null };
  }
}
