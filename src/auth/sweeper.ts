import { and, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { authFailures, loginChallenges, sessions } from '../db/schema/index.js';
import { BACKGROUND } from '../defaults.js';

const DAY_MS = BACKGROUND.sweepAfterMs;

/**
 * Deletes what has stopped mattering: sessions and PIN tokens expired for a day (kept that long so a late request
 * still hears `token.expired`), and failure counters whose window and lock both ended a day ago. Personal tokens
 * and API keys stay, revoked or not: they are the credential history admins read.
 */
export async function sweepExpiredAuthState(db: Db, now = new Date()): Promise<void> {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  await db.delete(sessions).where(lt(sessions.expiresAt, dayAgo));
  await db.delete(loginChallenges).where(lt(loginChallenges.expiresAt, dayAgo));
  await db.delete(authFailures).where(and(lt(authFailures.windowStart, dayAgo), or(isNull(authFailures.lockedUntil), lt(authFailures.lockedUntil, dayAgo))));
}

/** Runs the sweep every 15 minutes, off the request path; errors go to `onError`. */
export function startAuthSweeper(db: Db, onError: (err: unknown) => void): () => void {
  const timer = setInterval(() => void sweepExpiredAuthState(db).catch(onError), BACKGROUND.sweepIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
