import { and, eq, isNull } from 'drizzle-orm';
import { apiKeys } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import { CredentialCache } from '../cache.js';
import { CACHES } from '../../defaults.js';
import { activeUser, type AuthDeps } from '../deps.js';
import type { Principal } from '../principal.js';
import { isWellFormed, secretMatches } from '../secrets.js';

interface KeyEntry {
  id: number;
  userId: number;
  secretHash: string;
}

/** `Authorization: token <api_key>:<api_secret>` and `Basic base64(api_key:api_secret)` (seed 004). */
export class ApiKeyScheme {
  /** By API key; revoked and unknown well-formed keys are negative entries. */
  readonly cache: CredentialCache<string, KeyEntry>;

  constructor(private readonly deps: AuthDeps) {
    this.cache = new CredentialCache(CACHES.apiKeys, deps.bus);
    deps.bus.on((e) => {
      if (e.t === 'apikey') this.cache.delete(e.key);
    });
  }

  static looksLikeKey(value: string): boolean {
    return value.startsWith('qm_key_');
  }

  async authenticate(apiKey: string, secret: string, ip: string): Promise<Principal> {
    if (!isWellFormed(apiKey, 'key') || !isWellFormed(secret, 'sec')) throw new ApiError('credentials.invalid', 'Invalid API key or secret.');
    let entry = this.cache.get(apiKey);
    if (entry === undefined) entry = await this.cache.load(apiKey, () => this.lookup(apiKey));
    if (!entry || !secretMatches(secret, entry.secretHash)) throw new ApiError('credentials.invalid', 'Invalid API key or secret.');
    const user = await activeUser(this.deps, entry.userId, 'credentials.invalid');
    this.deps.usage.touch('api_keys', entry.id, ip);
    return { user, credential: { kind: 'apikey', id: entry.id }, scope: null };
  }

  private async lookup(apiKey: string): Promise<KeyEntry | null> {
    const [row] = await this.deps.db
      .select({ id: apiKeys.id, userId: apiKeys.userId, secretHash: apiKeys.secretHash })
      .from(apiKeys)
      .where(and(eq(apiKeys.apiKey, apiKey), isNull(apiKeys.revokedAt)))
      .limit(1);
    return row ?? null;
  }
}
