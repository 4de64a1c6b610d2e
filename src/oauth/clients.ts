import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { oauthClients, oauthPayloads } from '../db/schema/index.js';
import type { InvalidationBus } from '../auth/invalidation.js';
import { ALL_PROVIDER_SCOPES } from './scopes.js';
import { CredentialCache } from '../auth/cache.js';
import { CACHES, type CachePolicy } from '../defaults.js';

export type ClientRow = typeof oauthClients.$inferSelect;

/** seed 000: the public PKCE client every instance ships with. */
export const DEFAULT_CLIENT_ID = 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6';
export const DEFAULT_CLIENT_REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://[::1]/callback'];

export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token', 'password'] as const;

/** A client_id: 40 base64url characters, like the default client's. */
export function newClientId(): string {
  return randomBytes(30).toString('base64url').replace(/[-_]/g, 'x');
}

/**
 * Client rows, kept warm in process. Any change (disable, rotate, delete) publishes `{t:'client', id}` on the bus,
 * which drops the entry here and on every other instance.
 */
export class ClientStore {
  private readonly cache: CredentialCache<string, ClientRow>;

  constructor(
    private readonly db: Db,
    bus: InvalidationBus,
    policy: CachePolicy = CACHES.oauthClients,
  ) {
    this.cache = new CredentialCache(policy, bus);
    bus.on((e) => {
      if (e.t === 'client') this.cache.delete(e.id);
      if (e.t === 'account') this.cache.deleteWhere((row) => row.accountId === e.id);
    });
  }

  /** A warm row, null for a known-unknown client_id, undefined to ask `get`. */
  peek(clientId: string): ClientRow | null | undefined {
    return this.cache.get(clientId);
  }

  get(clientId: string): Promise<ClientRow | null> {
    return this.cache.load(clientId, async () => {
      const [row] = await this.db.select().from(oauthClients).where(eq(oauthClients.clientId, clientId)).limit(1);
      return row ?? null;
    });
  }

  /** oidc-provider client metadata; undefined for unknown or disabled clients (→ invalid_client). */
  async metadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.get(clientId);
    if (!row || row.disabled) return undefined;
    const grants = new Set(row.grantTypes.filter((g) => g !== 'password'));
    if (row.allowPasswordGrant) grants.add('password');
    grants.add('refresh_token'); // token-manager tokens and rotation
    if (!row.secretHash) grants.delete('client_credentials');
    const code = grants.has('authorization_code');
    return {
      client_id: row.clientId,
      client_name: row.name,
      // The stored SHA-256: compareClientSecret (see provider.ts) hashes the presented secret before comparing.
      ...(row.secretHash ? { client_secret: row.secretHash, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
      grant_types: [...grants],
      response_types: code ? ['code'] : [],
      redirect_uris: code ? row.redirectUris : [],
      scope: row.scope || ALL_PROVIDER_SCOPES.join(' '),
      application_type: row.accountId === null ? 'native' : 'web',
      introspection_endpoint_auth_method: row.secretHash ? 'client_secret_basic' : 'none',
      revocation_endpoint_auth_method: row.secretHash ? 'client_secret_basic' : 'none',
    };
  }
}

/** Creates the default public PKCE client if this instance's database lacks it (seed 000). */
export async function ensureDefaultClient(db: Db): Promise<void> {
  await db
    .insert(oauthClients)
    .values({
      accountId: null,
      clientId: DEFAULT_CLIENT_ID,
      name: 'Default public client (PKCE)',
      secretHash: null,
      redirectUris: DEFAULT_CLIENT_REDIRECT_URIS,
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: '',
    })
    .onConflictDoNothing();
}

/** Deletes every token and code a client issued (all instances drop their cached copies). */
export async function revokeClientTokens(db: Db, bus: InvalidationBus, clientId: string): Promise<void> {
  await db.delete(oauthPayloads).where(and(eq(oauthPayloads.clientId, clientId)));
  await bus.publish({ t: 'client', id: clientId });
}
