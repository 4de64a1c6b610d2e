import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Every secret Quartermaster hands out: `qm_<kind>_` + 32 random base62 characters (190 bits) + a 6-character
 * CRC32 checksum. The prefix lets secret scanners find leaked ones; the checksum lets us (and them) reject a
 * mistyped or made-up value without a database round trip. Secrets are high-entropy, so a fast hash (SHA-256)
 * is the right way to store them; argon2 is for human passwords and PINs only.
 */
export type SecretKind =
  | 'pat' // personal token
  | 'key' // API key (an identifier, not secret, but shaped the same way)
  | 'sec' // API secret
  | 'ses' // console session cookie / PIN-login access token
  | 'pin' // PIN token between password and PIN step
  | 'cs'; // OAuth client secret

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 32;
const CHECK_LENGTH = 6;

function base62(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting bytes above keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function makeSecret(kind: SecretKind): string {
  const prefix = `qm_${kind}_`;
  const body = randomBase62(BODY_LENGTH);
  return prefix + body + base62(crc32(prefix + body), CHECK_LENGTH);
}

/**
 * A secret of `kind` derived from a server key and a salt (HMAC-SHA256, as 32 base62 characters and the same
 * checksum as `makeSecret`): the same inputs give the same secret, so the server can answer it again without
 * storing it. The salt alone (what the database keeps) tells nothing without the key.
 */
export function deriveSecret(kind: SecretKind, key: Buffer, salt: string): string {
  const prefix = `qm_${kind}_`;
  let n = BigInt(`0x${createHmac('sha256', key).update(`quartermaster-derived-secret\u0000${kind}\u0000${salt}`).digest('hex')}`);
  let body = '';
  // 2^256 is far above 62^32, so the remainder bias is negligible (below 2^-65).
  for (let i = 0; i < BODY_LENGTH; i++) {
    body = ALPHABET[Number(n % 62n)] + body;
    n /= 62n;
  }
  return prefix + body + base62(crc32(prefix + body), CHECK_LENGTH);
}

/** A random salt for `deriveSecret`. */
export function makeSalt(): string {
  return randomBytes(18).toString('base64url');
}

/** True when `value` has the shape and checksum of a secret of this kind. Cheap; says nothing of validity. */
export function isWellFormed(value: string, kind: SecretKind): boolean {
  const prefix = `qm_${kind}_`;
  if (value.length !== prefix.length + BODY_LENGTH + CHECK_LENGTH || !value.startsWith(prefix)) return false;
  const body = value.slice(0, prefix.length + BODY_LENGTH);
  return base62(crc32(body), CHECK_LENGTH) === value.slice(-CHECK_LENGTH);
}

/** The stored form of a secret: SHA-256, base64url (one-shot `hash`, which allocates no Hash object: this runs per request). */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'base64url');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  return safeEqual(hashSecret(secret), storedHash);
}

/** Constant-time string equality (length is not secret: all our hashes have one length). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** A keyed hash, for cache keys derived from credentials (never the credential itself) and CSRF tokens. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** What a list may show of a secret: its prefix and the first few characters. */
export function secretHint(secret: string): string {
  return secret.slice(0, secret.indexOf('_', 3) + 5) + '…';
}

export function randomKey(bytes = 32): Buffer {
  return randomBytes(bytes);
}
