import argon2 from 'argon2';
import { CACHES, type CachePolicy } from '../defaults.js';
import { CredentialCache } from './cache.js';
import { keyedHash, randomKey } from './secrets.js';

/** OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane (~15 ms a verify on this class of machine). */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PIN_PATTERN = /^\d{4,8}$/;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | null = null;

/**
 * argon2 verification (constant-time inside argon2). With no stored hash we still spend the same time on a dummy
 * one, so response time does not tell an attacker whether a user exists.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('quartermaster-dummy-password');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(storedHash, password);
  } catch {
    return false;
  }
}

interface VerifiedEntry {
  userId: number;
  accountId: number;
  stamp: number;
}

/**
 * Basic auth costs one argon2 verify per request unless we remember that a header was verified. Entries are keyed
 * by an HMAC of the header with a per-process key (never the password itself), live a few minutes, and hold the
 * user's security stamp: a password change, disable or group change bumps the stamp and so voids the entry. Since
 * every use compares the stamp with the user directory's (itself re-read whenever the caches are not trusted), this
 * cache needs no trust of its own; it keeps no negative entries, so every wrong password reaches the lockout.
 */
export class VerifiedCredentialCache {
  private readonly key = randomKey();
  private readonly entries: CredentialCache<string, VerifiedEntry>;

  constructor(policy: CachePolicy = CACHES.verifiedPasswords) {
    this.entries = new CredentialCache(policy);
  }

  keyFor(header: string): string {
    return keyedHash(this.key, header);
  }

  get(cacheKey: string): VerifiedEntry | undefined {
    return this.entries.get(cacheKey) ?? undefined;
  }

  set(cacheKey: string, user: { id: number; accountId: number; securityStamp: number }): void {
    this.entries.set(cacheKey, { userId: user.id, accountId: user.accountId, stamp: user.securityStamp });
  }

  forgetUser(userId: number): void {
    this.entries.deleteWhere((e) => e.userId === userId);
  }

  forgetAccount(accountId: number): void {
    this.entries.deleteWhere((e) => e.accountId === accountId);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size.positive;
  }
}
