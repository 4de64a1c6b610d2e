import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { desc, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { oauthSigningKeys } from '../db/schema/index.js';

function newKey(kid = randomBytes(12).toString('base64url')) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, jwk: { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' } };
}

/** The signing keys, newest first (the first one signs). Generated on first start, shared by every instance. */
export async function signingKeys(db: Db): Promise<Record<string, unknown>[]> {
  let rows = await db.select().from(oauthSigningKeys).where(isNull(oauthSigningKeys.retiredAt)).orderBy(desc(oauthSigningKeys.id));
  if (!rows.length) {
    // A fixed kid for the first key: instances starting together insert one key, and every one of them reads it.
    await db.insert(oauthSigningKeys).values(newKey('initial')).onConflictDoNothing();
    rows = await db.select().from(oauthSigningKeys).where(isNull(oauthSigningKeys.retiredAt)).orderBy(desc(oauthSigningKeys.id));
  }
  return rows.map((r) => r.jwk);
}

/**
 * Adds a new signing key; it signs from the next start on, and the old keys stay published in the JWKS so tokens
 * they signed still verify. Retire old keys by setting retired_at once their tokens have expired.
 */
export async function rotateSigningKey(db: Db): Promise<string> {
  const k = newKey();
  await db.insert(oauthSigningKeys).values(k);
  return k.kid;
}
