import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { authFailures } from '../db/schema/index.js';
import { ApiError } from '../http/errors.js';
import { LOCKOUT } from '../defaults.js';

/**
 * Limits password and PIN guessing. Failures are counted per login name / user and per client address in the
 * database, so every instance sees the same counts. Over the limit within the window, the key is locked: even the
 * right password is refused with `rate_limited` and `Retry-After` until the lock ends.
 */
export interface LockoutPolicy {
  windowMs: number;
  lockMs: number;
  perUser: number;
  perAddress: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = LOCKOUT;

export class Lockout {
  constructor(
    private readonly db: Db,
    readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {}

  static userKeys(login: string, userId?: number): string[] {
    const keys = [`login:${login.toLowerCase()}`];
    if (userId !== undefined) keys.push(`user:${userId}`);
    return keys;
  }

  /** Throws rate_limited when any of the keys is locked. */
  async assertOpen(keys: string[]): Promise<void> {
    const rows = await this.db.select({ lockedUntil: authFailures.lockedUntil }).from(authFailures).where(inArray(authFailures.key, keys));
    const now = Date.now();
    const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
    if (until > now) {
      const seconds = Math.ceil((until - now) / 1000);
      throw new ApiError('rate_limited', `Too many failed attempts. Try again in ${seconds} seconds.`, {}, { 'retry-after': String(seconds) });
    }
  }

  async recordFailure(userKeys: string[], ip: string): Promise<void> {
    const now = new Date();
    const windowStart = new Date(now.getTime() - this.policy.windowMs);
    const lockedUntil = new Date(now.getTime() + this.policy.lockMs);
    const entries = [...userKeys.map((k) => [k, this.policy.perUser] as const), [`ip:${ip}`, this.policy.perAddress] as const];
    for (const [key, limit] of entries) {
      // One statement: reset the count when the window has passed, then lock when it reaches the limit.
      await this.db.execute(sql`
        insert into auth_failures (key, failures, window_start) values (${key}, 1, ${now})
        on conflict (key) do update set
          failures = case when auth_failures.window_start < ${windowStart} then 1 else auth_failures.failures + 1 end,
          window_start = case when auth_failures.window_start < ${windowStart} then ${now} else auth_failures.window_start end,
          locked_until = case
            when (case when auth_failures.window_start < ${windowStart} then 1 else auth_failures.failures + 1 end) >= ${limit}
            then ${lockedUntil} else auth_failures.locked_until end`);
    }
  }

  async recordSuccess(userKeys: string[]): Promise<void> {
    await this.db.delete(authFailures).where(inArray(authFailures.key, userKeys));
  }
}
