import { and, eq, isNull } from 'drizzle-orm';
import { personalTokens } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import { CredentialCache } from '../cache.js';
import { CACHES } from '../../defaults.js';
import { activeUser, type AuthDeps } from '../deps.js';
import type { Principal } from '../principal.js';
import { hashSecret, isWellFormed } from '../secrets.js';

interface TokenEntry {
  id: number;
  userId: number;
  expiresAt: number | null;
}

/** `Authorization: Token <token>`: personal tokens (seed 000). */
export class PersonalTokenScheme {
  /** By SHA-256 of the token; revoked and unknown well-formed tokens are negative entries. */
  readonly cache: CredentialCache<string, TokenEntry>;

  constructor(private readonly deps: AuthDeps) {
    this.cache = new CredentialCache(CACHES.personalTokens, deps.bus);
    deps.bus.on((e) => {
      if (e.t === 'credential') this.cache.delete(e.hash);
    });
  }

  async authenticate(token: string, ip: string): Promise<Principal> {
    // Only well-formed tokens are cached (either way), so a cached answer needs no shape check; a miss checks the shape
    // before the database is asked.
    const hash = hashSecret(token);
    let entry = this.cache.get(hash);
    if (entry === undefined) {
      if (!isWellFormed(token, 'pat')) throw new ApiError('token.invalid');
      entry = await this.cache.load(hash, () => this.lookup(hash));
    }
    if (!entry) throw new ApiError('token.invalid');
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) throw new ApiError('token.expired');
    // A warm, active user is taken as is (no promise); anything else goes the whole way, refusals included.
    const warm = this.deps.users.peek(entry.userId);
    const user = warm?.active ? warm : await activeUser(this.deps, entry.userId, 'token.invalid');
    this.deps.usage.touch('personal_tokens', entry.id, ip);
    return { user, credential: { kind: 'token', id: entry.id }, scope: null };
  }

  /**
   * The warm path, synchronous (no promise): the principal when the token's entry and its user are cached, valid and
   * active; undefined for anything else, which `authenticate` answers (refusals included).
   */
  warm(token: string, ip: string): Principal | undefined {
    const entry = this.cache.get(hashSecret(token));
    if (!entry || (entry.expiresAt !== null && entry.expiresAt <= Date.now())) return undefined;
    const user = this.deps.users.peek(entry.userId);
    if (!user?.active) return undefined;
    this.deps.usage.touch('personal_tokens', entry.id, ip);
    return { user, credential: { kind: 'token', id: entry.id }, scope: null };
  }

  private async lookup(hash: string): Promise<TokenEntry | null> {
    const [row] = await this.deps.db
      .select({ id: personalTokens.id, userId: personalTokens.userId, expiresAt: personalTokens.expiresAt })
      .from(personalTokens)
      .where(and(eq(personalTokens.tokenHash, hash), isNull(personalTokens.revokedAt)))
      .limit(1);
    return row ? { id: row.id, userId: row.userId, expiresAt: row.expiresAt?.getTime() ?? null } : null;
  }
}
