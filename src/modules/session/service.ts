import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../auth/deps.js';
import { verifyLogin, verifyPin } from '../../auth/schemes/basic.js';
import { hashSecret, isWellFormed, makeSecret } from '../../auth/secrets.js';
import type { Db } from '../../db/client.js';
import { loginChallenges, sessions, users } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import { LIFETIMES, PIN_ATTEMPTS as DEFAULT_PIN_ATTEMPTS } from '../../defaults.js';

/** Seed 002: the PIN token lives 5 minutes, access tokens 36000 s; console cookies as long (src/defaults.ts). */
export const PIN_TOKEN_TTL_S = LIFETIMES.pinToken;
export const PIN_ATTEMPTS = DEFAULT_PIN_ATTEMPTS;
export const SESSION_TTL_S = LIFETIMES.session;

interface LoginUser {
  id: number;
  accountId: number;
}

/** The password step passed for a user with a PIN: a short-lived PIN token, stored hashed. */
export async function createPinChallenge(db: Db, user: LoginUser) {
  const pinToken = makeSecret('pin');
  await db.insert(loginChallenges).values({
    accountId: user.accountId,
    userId: user.id,
    tokenHash: hashSecret(pinToken),
    expiresAt: new Date(Date.now() + PIN_TOKEN_TTL_S * 1000),
  });
  return { pin_token: pinToken, expires_in: PIN_TOKEN_TTL_S };
}

/**
 * Spends one attempt of a PIN token before the PIN is checked, in one statement, so parallel guesses cannot
 * exceed the limit. Unknown, used or exhausted → token.invalid; expired → token.expired.
 */
export async function claimPinAttempt(db: Db, pinToken: string) {
  if (!isWellFormed(pinToken, 'pin')) throw new ApiError('token.invalid');
  const hash = hashSecret(pinToken);
  const [row] = await db
    .update(loginChallenges)
    .set({ attempts: sql`${loginChallenges.attempts} + 1` })
    .where(and(eq(loginChallenges.tokenHash, hash), isNull(loginChallenges.usedAt), lt(loginChallenges.attempts, PIN_ATTEMPTS)))
    .returning();
  if (!row) throw new ApiError('token.invalid');
  if (row.expiresAt.getTime() <= Date.now()) throw new ApiError('token.expired');
  return row;
}

/** Marks the PIN token used (after the right PIN, or when its last attempt failed). False if it was already used. */
export async function finishChallenge(db: Db, challengeId: number): Promise<boolean> {
  const rows = await db
    .update(loginChallenges)
    .set({ usedAt: new Date() })
    .where(and(eq(loginChallenges.id, challengeId), isNull(loginChallenges.usedAt)))
    .returning({ id: loginChallenges.id });
  return rows.length > 0;
}

export async function loginUserRow(db: Db, userId: number) {
  const [row] = await db
    .select({ id: users.id, accountId: users.accountId, username: users.username, pinHash: users.pinHash, isActive: users.isActive, kind: users.kind })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/** A console cookie session or a PIN-login access token (`qm_ses_…`), stored hashed. */
export async function createSession(deps: AuthDeps, user: LoginUser, kind: 'cookie' | 'token', userAgent: string | undefined) {
  const secret = makeSecret('ses');
  const [row] = await deps.db
    .insert(sessions)
    .values({
      accountId: user.accountId,
      userId: user.id,
      kind,
      tokenHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + SESSION_TTL_S * 1000),
      userAgent: userAgent?.slice(0, 300) ?? null,
    })
    .returning({ id: sessions.id });
  await deps.db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { secret, id: row!.id };
}

/** Ends one session by id (logout); publishes so every instance forgets it at once. */
export async function endSession(deps: AuthDeps, accountId: number, sessionId: number): Promise<boolean> {
  const rows = await deps.db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
    .returning({ tokenHash: sessions.tokenHash });
  for (const r of rows) await deps.bus.publish({ t: 'credential', hash: r.tokenHash });
  return rows.length > 0;
}

/**
 * The login steps every login endpoint shares (`/api/auth/login`, Frappe's `/api/method/login`): same lockout,
 * same PIN rule, same audit. The password step answers the user row; a row with `pinHash` needs the PIN step.
 */
export async function passwordStep(deps: AuthDeps, login: string, password: string, ip: string) {
  const row = await verifyLogin(deps, login, password, ip);
  if (!row.isActive) throw new ApiError('user.disabled');
  return row;
}

/** The PIN step: spends one attempt of the PIN token, checks the PIN, and uses the token up on success. */
export async function pinStep(deps: AuthDeps, pinToken: string, pin: string, ip: string) {
  const challenge = await claimPinAttempt(deps.db, pinToken);
  const row = await loginUserRow(deps.db, challenge.userId);
  if (!row || row.kind !== 'human') throw new ApiError('token.invalid');
  try {
    await verifyPin(deps, row, pin, ip);
  } catch (err) {
    if (challenge.attempts >= PIN_ATTEMPTS) await finishChallenge(deps.db, challenge.id);
    throw err;
  }
  // One use only: a replayed PIN token, even with the right PIN, is refused.
  if (!(await finishChallenge(deps.db, challenge.id))) throw new ApiError('token.invalid');
  if (!row.isActive) throw new ApiError('user.disabled');
  return row;
}

/** Opens a session after a successful login and writes the `login` audit event. */
export async function openSession(
  req: FastifyRequest,
  row: { id: number; accountId: number; username: string },
  kind: 'cookie' | 'token',
  detail: Record<string, unknown>,
) {
  const { machinery, audit } = req.server.qm;
  const session = await createSession(machinery, row, kind, req.headers['user-agent']);
  audit.write({
    accountId: row.accountId,
    userId: row.id,
    username: row.username,
    event: 'login',
    credentialKind: 'session',
    credentialId: session.id,
    ip: req.ip,
    detail: { ...detail, kind },
  });
  return session;
}
