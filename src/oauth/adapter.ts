import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../db/client.js';
import { oauthPayloads } from '../db/schema/index.js';
import { hashSecret } from '../auth/secrets.js';
import type { InvalidationBus } from '../auth/invalidation.js';
import type { ClientStore } from './clients.js';

/** Models whose ids are bearer credentials: stored by hash, payload without the id. */
const HASHED = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'PushedAuthorizationRequest',
  'ReplayDetection',
]);

/** The stored key of a model's id. */
export function payloadKey(model: string, id: string): string {
  return HASHED.has(model) ? `${model}:${hashSecret(id)}` : `${model}:${id}`;
}

/** The bus message that drops every cached token of a grant. */
export const grantInvalidation = (grantId: string) => ({ t: 'credential' as const, hash: `oauth-grant:${grantId}` });

/** oidc-provider storage on our database (PGlite or PostgreSQL). */
export function adapterFactory(db: Db, bus: InvalidationBus, clients: ClientStore) {
  // Prepared once: a token is stored on every issuance, the hottest write of the token endpoint.
  const p = (name: string) => sql.placeholder(name);
  const upsert = db
    .insert(oauthPayloads)
    .values({
      key: p('key'),
      model: p('model'),
      grantId: p('grantId'),
      uid: p('uid'),
      userCode: p('userCode'),
      clientId: p('clientId'),
      userId: p('userId'),
      payload: p('payload'),
      expiresAt: p('expiresAt'),
    })
    .onConflictDoUpdate({
      target: oauthPayloads.key,
      set: { payload: sql`excluded.payload`, expiresAt: sql`excluded.expires_at`, grantId: sql`excluded.grant_id`, uid: sql`excluded.uid` },
    })
    .prepare('qm_oauth_payload_upsert');
  return class DbAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') return; // clients live in oauth_clients
      const stored: AdapterPayload = { ...payload };
      if (HASHED.has(this.model)) delete stored.jti;
      const userId = payload.accountId && /^\d+$/.test(payload.accountId) ? Number(payload.accountId) : null;
      const row = {
        key: payloadKey(this.model, id),
        model: this.model,
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        clientId: payload.clientId ?? null,
        userId,
        payload: stored as Record<string, unknown>,
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      };
      await upsert.execute(row);
    }

    private async load(where: ReturnType<typeof eq>, id?: string): Promise<AdapterPayload | undefined> {
      const [row] = await db.select().from(oauthPayloads).where(where).limit(1);
      if (!row) return undefined;
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
      const payload = { ...(row.payload as AdapterPayload) };
      if (id !== undefined && HASHED.has(this.model)) payload.jti = id;
      if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
      return payload;
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clients.metadata(id);
      return this.load(eq(oauthPayloads.key, payloadKey(this.model, id)), id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.load(and(eq(oauthPayloads.model, this.model), eq(oauthPayloads.userCode, userCode))!);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.load(and(eq(oauthPayloads.model, this.model), eq(oauthPayloads.uid, uid))!);
    }

    async consume(id: string): Promise<void> {
      await db
        .update(oauthPayloads)
        .set({ consumedAt: new Date() })
        .where(eq(oauthPayloads.key, payloadKey(this.model, id)));
      if (HASHED.has(this.model)) await bus.publish({ t: 'credential', hash: hashSecret(id) });
    }

    async destroy(id: string): Promise<void> {
      await db.delete(oauthPayloads).where(eq(oauthPayloads.key, payloadKey(this.model, id)));
      if (HASHED.has(this.model)) await bus.publish({ t: 'credential', hash: hashSecret(id) });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await revokeGrants(db, bus, [grantId]);
    }
  };
}

/** Deletes every token and code of some grants, and tells every instance to drop them from its caches. */
export async function revokeGrants(db: Db, bus: InvalidationBus, grantIds: string[]): Promise<void> {
  if (!grantIds.length) return;
  await db.delete(oauthPayloads).where(inArray(oauthPayloads.grantId, grantIds));
  for (const g of grantIds) await bus.publish(grantInvalidation(g));
}

/** Grants a client's tokens belong to (for revoking everything a client issued). */
export async function grantsOfClient(db: Db, clientId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ g: oauthPayloads.grantId })
    .from(oauthPayloads)
    .where(and(eq(oauthPayloads.clientId, clientId), sql`${oauthPayloads.grantId} is not null`));
  return rows.map((r) => r.g!);
}
