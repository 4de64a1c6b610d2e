import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { AuthDeps } from '../../auth/deps.js';
import { verifyLogin } from '../../auth/schemes/basic.js';
import { verifyPassword } from '../../auth/passwords.js';
import { hashSecret, isWellFormed, makeSecret } from '../../auth/secrets.js';
import type { Db } from '../../db/client.js';
import { loginChallenges, users } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import { LIFETIMES, PIN_ATTEMPTS as DEFAULT_PIN_ATTEMPTS } from '../../defaults.js';

/**
 * Login and PIN: the one service behind every login with a password — `/api/auth/login` and `/api/auth/pin`,
 * Frappe's `/api/method/login`, the OAuth login page and the OAuth password grant.
 *
 * - The password step is the password check Basic uses (src/auth/schemes/basic.ts): the user looked up by username
 *   or email, the lockout (src/auth/lockout.ts) per login name, user and address, a constant-time verify, and the
 *   `login.failed` audit entry. A disabled user is told so only after the right password.
 * - The PIN step is a challenge row with one attempt limit, `PIN_ATTEMPTS` (src/defaults.ts), spent before the PIN
 *   is checked, whoever holds the challenge: the API's and Frappe's clients by its `qm_pin_` token, the OAuth login
 *   page by the sign-in it belongs to. Wrong PINs also count in the lockout (`pin:<user>` and the address).
 */

/** Seed 002: the PIN step lives 5 minutes (src/defaults.ts). */
export const PIN_TOKEN_TTL_S = LIFETIMES.pinToken;
/** Wrong PINs per PIN step, for every entry point (src/defaults.ts). */
export const PIN_ATTEMPTS = DEFAULT_PIN_ATTEMPTS;

interface LoginUser {
  id: number;
  accountId: number;
}

/** The password step: the user row (with `pinHash`: the PIN step comes next). Disabled users get `user.disabled`. */
export async function passwordStep(deps: AuthDeps, login: string, password: string, ip: string) {
  const row = await verifyLogin(deps, login, password, ip);
  if (!row.isActive) throw new ApiError('user.disabled');
  return row;
}

/** A PIN step opened after the password step: its challenge id (for server-side holders) and its token. */
export interface PinChallenge {
  id: number;
  pinToken: string;
  expiresIn: number;
  expiresAt: Date;
}

/** Opens the PIN step for a user who passed the password step: a short-lived challenge, its token stored hashed. */
export async function openPinStep(db: Db, user: LoginUser): Promise<PinChallenge> {
  const pinToken = makeSecret('pin');
  const expiresAt = new Date(Date.now() + PIN_TOKEN_TTL_S * 1000);
  const [row] = await db
    .insert(loginChallenges)
    .values({ accountId: user.accountId, userId: user.id, tokenHash: hashSecret(pinToken), expiresAt })
    .returning({ id: loginChallenges.id });
  return { id: row!.id, pinToken, expiresIn: PIN_TOKEN_TTL_S, expiresAt };
}

/** The PIN step as the API answers it (seed 002's PIN token). */
export async function createPinChallenge(db: Db, user: LoginUser) {
  const challenge = await openPinStep(db, user);
  return { pin_token: challenge.pinToken, expires_in: challenge.expiresIn };
}

/** Which PIN step an attempt is for: by the token its client holds, or by id for a holder on the server. */
export type PinStepRef = { pinToken: string } | { challengeId: number };

/**
 * Spends one attempt of a PIN step before the PIN is checked, in one statement, so parallel guesses cannot exceed
 * the limit. Unknown, used or exhausted → token.invalid; expired → token.expired.
 */
export async function claimPinAttempt(db: Db, ref: PinStepRef) {
  let which;
  if ('pinToken' in ref) {
    if (!isWellFormed(ref.pinToken, 'pin')) throw new ApiError('token.invalid');
    which = eq(loginChallenges.tokenHash, hashSecret(ref.pinToken));
  } else which = eq(loginChallenges.id, ref.challengeId);
  const [row] = await db
    .update(loginChallenges)
    .set({ attempts: sql`${loginChallenges.attempts} + 1` })
    .where(and(which, isNull(loginChallenges.usedAt), lt(loginChallenges.attempts, PIN_ATTEMPTS)))
    .returning();
  if (!row) throw new ApiError('token.invalid');
  if (row.expiresAt.getTime() <= Date.now()) throw new ApiError('token.expired');
  return row;
}

/** Marks the PIN step used (after the right PIN, or when its last attempt failed). False if it was already used. */
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

/**
 * Checks a PIN (argon2), limited like passwords (per user and per address) and audited (`pin.failed`). The entry is
 * written by the writer itself: the login has no credential yet, and the row at hand names the user.
 */
async function verifyPin(deps: AuthDeps, user: { id: number; accountId: number; username: string; pinHash: string | null }, pin: string, ip: string) {
  const keys = [`pin:${user.id}`];
  await deps.lockout.assertOpen([...keys, `ip:${ip}`]);
  if (!(await verifyPassword(user.pinHash, pin))) {
    await deps.lockout.recordFailure(keys, ip);
    deps.audit.write({ accountId: user.accountId, userId: user.id, username: user.username, event: 'pin.failed', ip });
    throw new ApiError('credentials.invalid', 'Invalid PIN.');
  }
  await deps.lockout.recordSuccess(keys);
}

/** The PIN step: spends one attempt, checks the PIN, and uses the step up on success or after its last attempt. */
export async function pinStep(deps: AuthDeps, ref: PinStepRef, pin: string, ip: string) {
  const challenge = await claimPinAttempt(deps.db, ref);
  const row = await loginUserRow(deps.db, challenge.userId);
  if (!row || row.kind !== 'human') throw new ApiError('token.invalid');
  try {
    await verifyPin(deps, row, pin, ip);
  } catch (err) {
    if (challenge.attempts >= PIN_ATTEMPTS) await finishChallenge(deps.db, challenge.id);
    throw err;
  }
  // One use only: a replayed PIN step, even with the right PIN, is refused.
  if (!(await finishChallenge(deps.db, challenge.id))) throw new ApiError('token.invalid');
  if (!row.isActive) throw new ApiError('user.disabled');
  return row;
}

/** Whether a PIN step still takes attempts (not used up, not exhausted, not expired). */
export async function pinStepOpen(db: Db, challengeId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: loginChallenges.id })
    .from(loginChallenges)
    .where(
      and(
        eq(loginChallenges.id, challengeId),
        isNull(loginChallenges.usedAt),
        lt(loginChallenges.attempts, PIN_ATTEMPTS),
        gt(loginChallenges.expiresAt, new Date()),
      ),
    )
    .limit(1);
  return !!row;
}
