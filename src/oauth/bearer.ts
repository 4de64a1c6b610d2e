import { inArray, sql } from 'drizzle-orm';
import { oauthAppTokens, oauthPayloads } from '../db/schema/index.js';
import { hashSecret } from '../auth/secrets.js';
import { parseScopes, type ScopeGrant } from '../access/scopes.js';
import type { Principal } from '../auth/principal.js';
import type { Services } from '../services.js';
import { ApiError } from '../http/errors.js';
import type { ClientStore } from './clients.js';
import { CredentialCache } from '../auth/cache.js';
import { BACKGROUND, CACHES, type CachePolicy } from '../defaults.js';

interface Entry {
  /** The user id for user tokens; null for client_credentials (the client's integration user, looked up live). */
  userId: number | null;
  clientId: string;
  grantId: string | null;
  scope: ScopeGrant | null;
  expiresAt: number;
}

/**
 * Resolves OAuth access tokens for `Authorization: Bearer`. In process and cached by the token's SHA-256 (one
 * CredentialCache; revoked and unknown tokens of the right shape are negative entries): a warm token costs two
 * cache lookups (token, client) and the user directory's cached state. Revocations, disabled clients and users
 * reach the cache through the invalidation bus (PostgreSQL NOTIFY across instances).
 */
export class OAuthBearer {
  readonly cache: CredentialCache<string, Entry>;
  private readonly used = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly services: Services,
    private readonly clients: ClientStore,
    policy: CachePolicy = CACHES.oauthTokens,
  ) {
    this.cache = new CredentialCache(policy, services.bus);
    services.bus.on((e) => {
      if (e.t === 'credential') {
        if (e.hash.startsWith('oauth-grant:')) {
          const g = e.hash.slice('oauth-grant:'.length);
          this.cache.deleteWhere((v) => v.grantId === g);
        } else this.cache.delete(e.hash);
      }
      if (e.t === 'client') this.cache.deleteWhere((v) => v.clientId === e.id);
    });
    this.timer = setInterval(() => void this.flushUsage(), BACKGROUND.usageFlushMs);
    this.timer.unref();
  }

  readonly resolve = async (token: string, ip: string): Promise<Principal | null> => {
    if (token.length < 20 || token.length > 200 || token.startsWith('qm_')) return null;
    const key = hashSecret(token);
    let entry = this.cache.get(key);
    if (entry === undefined) entry = await this.cache.load(key, () => this.load(key));
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) throw new ApiError('token.expired');
    const client = this.clients.peek(entry.clientId) ?? (await this.clients.get(entry.clientId));
    if (!client || client.disabled) throw new ApiError('token.invalid');
    const userId = entry.userId ?? client.integrationUserId;
    if (userId === null) throw new ApiError('token.invalid');
    const { users } = this.services;
    const user = users.peek(userId) ?? (await users.get(userId));
    if (!user) throw new ApiError('token.invalid');
    if (!user.active) throw new ApiError('user.disabled');
    if (entry.grantId) this.used.add(entry.grantId);
    void ip;
    return { user, credential: { kind: 'oauth', id: null }, scope: entry.scope, clientId: entry.clientId };
  };

  private async load(key: string): Promise<Entry | null> {
    const rows = await this.services.db
      .select()
      .from(oauthPayloads)
      .where(inArray(oauthPayloads.key, [`AccessToken:${key}`, `ClientCredentials:${key}`]))
      .limit(1);
    const row = rows[0];
    if (!row || !row.clientId) return null;
    const p = row.payload as { scope?: string; accountId?: string; exp?: number };
    let scope: ScopeGrant | null;
    try {
      scope = row.model === 'ClientCredentials' && !p.scope ? null : parseScopes(p.scope ?? '');
    } catch {
      return null;
    }
    return {
      userId: row.model === 'AccessToken' ? Number(p.accountId) : null,
      clientId: row.clientId,
      grantId: row.grantId,
      scope,
      expiresAt: (row.expiresAt?.getTime() ?? (p.exp ?? 0) * 1000) || 0,
    };
  }

  /** Writes "last used" of token-manager tokens, batched off the request path. */
  async flushUsage(): Promise<void> {
    if (!this.used.size) return;
    const grants = [...this.used];
    this.used.clear();
    try {
      await this.services.db
        .update(oauthAppTokens)
        .set({ lastUsedAt: sql`now()` })
        .where(inArray(oauthAppTokens.grantId, grants));
    } catch (err) {
      console.error('oauth usage write failed', err);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
