import { desc, eq, gt, isNull } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { apiKeys, personalTokens, sessions } from '../../db/schema/index.js';
import { deriveSecret, hashSecret, makeSalt, makeSecret, safeEqual, secretHint } from '../../auth/secrets.js';
import { ApiError } from '../../http/errors.js';
import { isUniqueViolation } from '../../db/errors.js';

/**
 * Whose credentials a call is about: `userId` (a user of the caller's account, checked by the admin routes), by
 * default the caller. Every query below is scoped to the caller's account.
 */
interface Whose {
  userId?: number;
}

function ownerOf(ctx: RequestContext, input: Whose): number {
  return input.userId ?? ctx.principal.user.id;
}

type TokenRow = typeof personalTokens.$inferSelect;

/** How a personal token is shown after creation: never the token itself, only its hint. */
export function tokenView(t: TokenRow) {
  return {
    id: t.id,
    name: t.name,
    hint: t.hint,
    created: t.createdAt.toISOString(),
    expires: t.expiresAt?.toISOString() ?? null,
    lastUsed: t.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: t.lastUsedIp,
    revoked: t.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Issues a named personal token. A live token of the same name is revoked in the same transaction (a rotation);
 * with `replace: false` a live token of that name is a 409 conflict instead (the unique index decides, so two
 * concurrent requests cannot both win). With a server key the token is derived from it and a stored salt, so
 * `GET /api/user/token/` can answer it again (see `personalTokenFor`); without, it is random and shown once.
 */
export async function issuePersonalToken(ctx: RequestContext, input: Whose & { name: string; expiresAt?: Date | null; replace?: boolean; derived?: boolean }) {
  const { name, expiresAt = null, replace = true } = input;
  const userId = ownerOf(ctx, input);
  const serverKey = input.derived ? ctx.machinery.tokenKey.get() : null;
  const derivationSalt = serverKey ? makeSalt() : null;
  const token = serverKey ? deriveSecret('pat', serverKey, derivationSalt!) : makeSecret('pat');
  const { row, replaced } = await ctx
    .tx(async (tx) => {
      const replaced = !replace
        ? []
        : await tx.db
            .update(personalTokens)
            .set({ revokedAt: new Date() })
            .where(tx.inAccount(personalTokens, eq(personalTokens.userId, userId), eq(personalTokens.name, name), isNull(personalTokens.revokedAt)))
            .returning({ tokenHash: personalTokens.tokenHash });
      const [row] = await tx.db
        .insert(personalTokens)
        .values({ accountId: ctx.accountId, userId, name, tokenHash: hashSecret(token), hint: secretHint(token), expiresAt, derivationSalt })
        .returning();
      await tx.invalidate(...replaced.map((r) => ({ t: 'credential' as const, hash: r.tokenHash })));
      return { row: row!, replaced };
    })
    .catch((err: unknown) => {
      if (isUniqueViolation(err))
        throw new ApiError('conflict', `A live token named "${name}" exists: revoke it first, or replace it with GET /api/user/token/?name=…&new=1.`);
      throw err;
    });
  return { token, row, replaced: replaced.length > 0 };
}

/**
 * Seed 000's persistent token: the live token of `name`, the same one each time (many scripts ask on every
 * start), until it expires or is revoked; then a new one. Only the token's hash and its salt are stored; the token
 * is derived again from the server key, which lives outside the database. A live token that cannot be derived
 * again (made by `POST /api/user/tokens/`, shown once; or under another server key) is a 409: ask for a new one
 * explicitly (`?new=1`) or revoke it.
 */
export async function personalTokenFor(ctx: RequestContext, input: Whose & { name: string }) {
  const { name } = input;
  const userId = ownerOf(ctx, input);
  for (let attempt = 0; ; attempt++) {
    const [live] = await ctx.db
      .select()
      .from(personalTokens)
      .where(ctx.inAccount(personalTokens, eq(personalTokens.userId, userId), eq(personalTokens.name, name), isNull(personalTokens.revokedAt)))
      .limit(1);
    if (live && (live.expiresAt === null || live.expiresAt.getTime() > Date.now())) {
      const again = live.derivationSalt ? deriveSecret('pat', ctx.machinery.tokenKey.get(), live.derivationSalt) : null;
      if (again && safeEqual(hashSecret(again), live.tokenHash)) return { token: again, row: live, issued: false };
      throw new ApiError(
        'conflict',
        live.derivationSalt
          ? `The token named "${name}" was issued under another server key (QM_SECRET_KEY or the key file changed) and cannot be shown again: ask for a new one with ?new=1, or revoke it.`
          : `The token named "${name}" was shown once when it was created: ask for a new one with ?new=1, revoke it, or use another name.`,
      );
    }
    try {
      // An expired token of the name is replaced (revoked in the same transaction); otherwise none is live.
      const { token, row } = await issuePersonalToken(ctx, { userId, name, replace: live !== undefined, derived: true });
      return { token, row, issued: true };
    } catch (err) {
      // Another request created the token of this name a moment ago: answer that one.
      if (attempt === 0 && err instanceof ApiError && err.key === 'conflict') continue;
      throw err;
    }
  }
}

export async function listPersonalTokens(ctx: RequestContext, input: Whose & { includeRevoked?: boolean } = {}) {
  const rows = await ctx.db
    .select()
    .from(personalTokens)
    .where(ctx.inAccount(personalTokens, eq(personalTokens.userId, ownerOf(ctx, input)), input.includeRevoked ? undefined : isNull(personalTokens.revokedAt)))
    .orderBy(desc(personalTokens.id));
  return rows.map(tokenView);
}

/** Revokes one live token of the user (or, with `anyUserInAccount`, of any user of the account). */
export async function revokePersonalToken(ctx: RequestContext, input: Whose & { tokenId: number; anyUserInAccount?: boolean }) {
  const { tokenId } = input;
  const [row] = await ctx.db
    .update(personalTokens)
    .set({ revokedAt: new Date() })
    .where(
      ctx.byId(personalTokens, tokenId, input.anyUserInAccount ? undefined : eq(personalTokens.userId, ownerOf(ctx, input)), isNull(personalTokens.revokedAt)),
    )
    .returning();
  if (!row) throw ApiError.notFound(`Token ${tokenId} not found.`);
  await ctx.invalidate({ t: 'credential', hash: row.tokenHash });
  return tokenView(row);
}

/**
 * Generates the user's API key and secret (seed 004). The key stays the same across regenerations; the secret is
 * new each time, answered once, and the old one stops working at once.
 */
export async function generateApiKey(ctx: RequestContext, input: Whose = {}) {
  const userId = ownerOf(ctx, input);
  const apiSecret = makeSecret('sec');
  const secretHash = hashSecret(apiSecret);
  const [existing] = await ctx.db
    .select()
    .from(apiKeys)
    .where(ctx.inAccount(apiKeys, eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (existing) {
    const [row] = await ctx.db.update(apiKeys).set({ secretHash, rotatedAt: new Date() }).where(ctx.byId(apiKeys, existing.id)).returning();
    await ctx.invalidate({ t: 'apikey', key: existing.apiKey });
    return { apiKey: row!.apiKey, apiSecret, id: row!.id, regenerated: true };
  }
  const apiKey = makeSecret('key');
  const [row] = await ctx.db.insert(apiKeys).values({ accountId: ctx.accountId, userId, apiKey, secretHash }).returning();
  return { apiKey, apiSecret, id: row!.id, regenerated: false };
}

export async function revokeApiKey(ctx: RequestContext, input: Whose = {}): Promise<void> {
  const rows = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(ctx.inAccount(apiKeys, eq(apiKeys.userId, ownerOf(ctx, input)), isNull(apiKeys.revokedAt)))
    .returning();
  if (!rows.length) throw ApiError.notFound('No API key to revoke.');
  await ctx.invalidate(...rows.map((r) => ({ t: 'apikey' as const, key: r.apiKey })));
}

type ApiKeyRow = typeof apiKeys.$inferSelect;

/** An API key as shown after creation: the key (an identifier) and its history, never the secret. */
export function apiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    api_key: k.apiKey,
    created: k.createdAt.toISOString(),
    rotated: k.rotatedAt?.toISOString() ?? null,
    lastUsed: k.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: k.lastUsedIp,
  };
}

export async function getApiKey(ctx: RequestContext, input: Whose = {}) {
  const [row] = await ctx.db
    .select()
    .from(apiKeys)
    .where(ctx.inAccount(apiKeys, eq(apiKeys.userId, ownerOf(ctx, input)), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row ? apiKeyView(row) : null;
}

type SessionRow = typeof sessions.$inferSelect;

export function sessionView(s: SessionRow) {
  return {
    id: s.id,
    kind: s.kind,
    created: s.createdAt.toISOString(),
    expires: s.expiresAt.toISOString(),
    lastUsed: s.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: s.lastUsedIp,
    userAgent: s.userAgent,
  };
}

/** Live (unrevoked, unexpired) console sessions and PIN-login access tokens of the user. */
export async function listSessions(ctx: RequestContext, input: Whose = {}) {
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(ctx.inAccount(sessions, eq(sessions.userId, ownerOf(ctx, input)), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.id));
  return rows.map(sessionView);
}

/** Revokes sessions of the user: one by id, or all of them. Returns how many were live. */
export async function revokeSessions(ctx: RequestContext, input: Whose & { sessionId?: number } = {}) {
  const { sessionId } = input;
  const rows = await ctx.db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      ctx.inAccount(
        sessions,
        eq(sessions.userId, ownerOf(ctx, input)),
        sessionId === undefined ? undefined : eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
      ),
    )
    .returning({ id: sessions.id, tokenHash: sessions.tokenHash });
  await ctx.invalidate(...rows.map((r) => ({ t: 'credential' as const, hash: r.tokenHash })));
  return rows.length;
}
