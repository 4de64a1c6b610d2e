import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { oauthAppTokens, oauthPayloads } from '../db/schema/index.js';
import { hashSecret } from '../auth/secrets.js';
import { parseScopes, type ScopeGrant } from '../access/scopes.js';
import type { Principal } from '../auth/principal.js';
import type { Services } from '../services.js';
import { ApiError } from '../http/errors.js';
import type { ClientStore } from './clients.js';

interface Entry {
  /** The user id for user tokens; null for client_credentials (the client's integration user, looked up live). */
  userId: number | null;
  clientId: string;
  grantId: string | null;
  scope: ScopeGrant | null;
  expiresAt: number;
  /** Re-read from storage after this time even without an invalidation, like every other credential cache. */
  recheckAt: number;
}

const RECHECK_MS = 60_000;

/**
 * Resolves OAuth access tokens for `Authorization: Bearer`. In process and cached by the token's SHA-256: a warm
 * token costs two map lookups (token, client) and the user directory's cached state. Revocations, disabled clients
 * and users reach the cache through the invalidation bus (PostgreSQL NOTIFY across instances).
 */
export class OAuthBearer {
  private readonly cache = new Map<string, Entry | null>();
  private readonly used = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly services: Services,
    private readonly clients: ClientStore,
    private readonly maxEntries = 100_000,
  ) {
    services.bus.on((e) => {
      if (e.t === 'credential') {
        if (e.hash.startsWith('oauth-grant:')) {
          const g = e.hash.slice('oauth-grant:'.length);
          for (const [k, v] of this.cache) if (v?.grantId === g) this.cache.delete(k);
        } else this.cache.delete(e.hash);
      }
      if (e.t === 'client') for (const [k, v] of this.cache) if (v?.clientId === e.id) this.cache.delete(k);
    });
    this.timer = setInterval(() => void this.flushUsage(), 5_000);
    this.timer.unref();
  }

  readonly resolve = async (token: string, ip: string): Promise<Principal | null> => {
    if (token.length < 20 || token.length > 200 || token.startsWith('qm_')) return null;
    const key = hashSecret(token);
    let entry = this.cache.get(key);
    if (entry === undefined || (entry !== null && entry.recheckAt <= Date.now())) {
      this.cache.delete(key);
      entry = await this.load(key);
    }
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
    if (!row || !row.clientId) return null; // unknown: not cached, so a token issued elsewhere a moment ago is found
    const p = row.payload as { scope?: string; accountId?: string; exp?: number };
    let scope: ScopeGrant | null;
    try {
      scope = row.model === 'ClientCredentials' && !p.scope ? null : parseScopes(p.scope ?? '');
    } catch {
      return null;
    }
    const entry: Entry = {
      userId: row.model === 'AccessToken' ? Number(p.accountId) : null,
      clientId: row.clientId,
      grantId: row.grantId,
      scope,
      expiresAt: (row.expiresAt?.getTime() ?? (p.exp ?? 0) * 1000) || 0,
      recheckAt: Date.now() + RECHECK_MS,
    };
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(key, entry);
    return entry;
  }

  /** Writes "last used" of token-manager tokens, batched off the request path. */
  async flushUsage(): Promise<void> {
    if (!this.used.size) return;
    const grants = [...this.used];
    this.used.clear();
    try {
      await this.services.db.update(oauthAppTokens).set({ lastUsedAt: sql`now()` }).where(inArray(oauthAppTokens.grantId, grants));
    } catch (err) {
      console.error('oauth usage write failed', err);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
