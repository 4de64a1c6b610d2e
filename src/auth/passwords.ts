import argon2 from 'argon2';
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
  stamp: number;
  until: number;
}

/**
 * Basic auth costs one argon2 verify per request unless we remember that a header was verified. Entries are keyed
 * by an HMAC of the header with a per-process key (never the password itself), live a few minutes, and hold the
 * user's security stamp: a password change, disable or group change bumps the stamp and so voids the entry.
 */
export class VerifiedCredentialCache {
  private readonly key = randomKey();
  private readonly entries = new Map<string, VerifiedEntry>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  keyFor(header: string): string {
    return keyedHash(this.key, header);
  }

  get(cacheKey: string, now = Date.now()): VerifiedEntry | undefined {
    const entry = this.entries.get(cacheKey);
    if (entry && entry.until > now) return entry;
    if (entry) this.entries.delete(cacheKey);
    return undefined;
  }

  set(cacheKey: string, userId: number, stamp: number): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: dropping the first entry drops the oldest.
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(cacheKey, { userId, stamp, until: Date.now() + this.ttlMs });
  }

  forgetUser(userId: number): void {
    for (const [k, e] of this.entries) if (e.userId === userId) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
  }
}
