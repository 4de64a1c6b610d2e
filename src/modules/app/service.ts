import type { Static } from '@sinclair/typebox';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { oauthAppTokens, oauthClients, users } from '../../db/schema/index.js';
import { inAccountOrShared } from '../../db/scoped.js';
import { hashSecret, makeSecret } from '../../auth/secrets.js';
import { ApiError } from '../../http/errors.js';
import { ACTION_BIT } from '../../access/permissions.js';
import { isKnownScope } from '../../access/scopes.js';
import { GRANT_TYPES, newClientId, revokeClientTokens, type ClientRow } from '../../oauth/clients.js';
import { revokeGrants } from '../../oauth/adapter.js';
import { ScopeError, grantableScopes } from '../../oauth/scopes.js';
import { issueUserTokens } from '../../oauth/grants/user-tokens.js';
import type { AppCreate, AppPatch } from './routes.js';

/** A change to an app, as the API's PATCH body gives it; creating one gives at least `name` (`AppCreate`). */
export type AppInput = Static<typeof AppPatch>;

export function appView(row: ClientRow) {
  return {
    id: row.id,
    client_id: row.clientId,
    name: row.name,
    client_type: row.secretHash ? ('confidential' as const) : ('public' as const),
    redirect_uris: row.redirectUris,
    grant_types: row.grantTypes,
    scope: row.scope,
    allow_password_grant: row.allowPasswordGrant,
    disabled: row.disabled,
    integration_user_id: row.integrationUserId,
    access_token_ttl: row.accessTokenTtl,
    refresh_token_ttl: row.refreshTokenTtl,
    created: row.createdAt.toISOString(),
    secret_rotated: row.secretRotatedAt?.toISOString() ?? null,
  };
}

function validate(input: AppInput) {
  const fields: Record<string, string[]> = {};
  for (const g of input.grant_types ?? []) if (!(GRANT_TYPES as readonly string[]).includes(g)) (fields.grant_types ??= []).push(`unknown grant type "${g}"`);
  for (const u of input.redirect_uris ?? []) {
    try {
      const url = new URL(u);
      if (url.hash) throw new Error();
      if (
        url.protocol !== 'https:' &&
        !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) &&
        !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)
      ) {
        (fields.redirect_uris ??= []).push(`"${u}" must be https (or http on loopback, or a private-use scheme)`);
      }
    } catch {
      (fields.redirect_uris ??= []).push(`"${u}" is not an absolute URL without fragment`);
    }
  }
  for (const s of (input.scope ?? '').split(' ').filter(Boolean)) if (!isKnownScope(s)) (fields.scope ??= []).push(`unknown scope "${s}"`);
  if ((input.grant_types ?? []).includes('authorization_code') && !(input.redirect_uris ?? []).length)
    (fields.redirect_uris ??= []).push('required for authorization_code');
  if (input.token_endpoint_auth_method === 'none' && (input.grant_types ?? []).includes('client_credentials'))
    (fields.grant_types ??= []).push('a public client cannot use client_credentials');
  if (Object.keys(fields).length) throw ApiError.validation(fields);
}

/** Whether the caller may switch the legacy password grant on: account admins (user management) only. */
function assertAdmin(ctx: RequestContext) {
  if (!ctx.superuser && (ctx.rights.user & ACTION_BIT.change) === 0)
    throw new ApiError('permission.denied', 'Only an administrator may switch on the password grant.');
}

async function ensureIntegrationUser(ctx: RequestContext, row: ClientRow): Promise<number> {
  if (row.integrationUserId) return row.integrationUserId;
  const username = `app-${row.clientId}`;
  const [u] = await ctx.db
    .insert(users)
    .values({ accountId: ctx.accountId, username, email: `${username}@integration.invalid`, kind: 'integration', passwordHash: null })
    .returning({ id: users.id });
  await ctx.db.update(oauthClients).set({ integrationUserId: u!.id }).where(ctx.byId(oauthClients, row.id));
  return u!.id;
}

export async function createApp(ctx: RequestContext, input: Static<typeof AppCreate>) {
  validate(input);
  if (input.allow_password_grant) assertAdmin(ctx);
  const isPublic = input.token_endpoint_auth_method === 'none';
  const secret = isPublic ? null : makeSecret('cs');
  const grantTypes = input.grant_types?.length ? [...new Set(input.grant_types)] : ['authorization_code', 'refresh_token'];
  if (grantTypes.includes('authorization_code') && !(input.redirect_uris ?? []).length) validate({ ...input, grant_types: grantTypes });
  let [row] = await ctx.db
    .insert(oauthClients)
    .values({
      accountId: ctx.accountId,
      ownerId: ctx.principal.user.id,
      clientId: newClientId(),
      name: input.name,
      secretHash: secret ? hashSecret(secret) : null,
      redirectUris: input.redirect_uris ?? [],
      grantTypes,
      scope: input.scope ?? '',
      allowPasswordGrant: input.allow_password_grant ?? false,
      accessTokenTtl: input.access_token_ttl ?? null,
      refreshTokenTtl: input.refresh_token_ttl ?? null,
    })
    .returning();
  if (grantTypes.includes('client_credentials')) {
    const uid = await ensureIntegrationUser(ctx, row!);
    row = { ...row!, integrationUserId: uid };
  }
  return { ...appView(row!), client_secret: secret, client_id_issued_at: Math.floor(row!.createdAt.getTime() / 1000), client_secret_expires_at: 0 };
}

export async function listApps(ctx: RequestContext) {
  const rows = await ctx.db.select().from(oauthClients).where(ctx.inAccount(oauthClients)).orderBy(oauthClients.id);
  return rows.map(appView);
}

async function loadApp(ctx: RequestContext, id: number): Promise<ClientRow> {
  const [row] = await ctx.db.select().from(oauthClients).where(ctx.byId(oauthClients, id)).limit(1);
  if (!row) throw ApiError.notFound('No such app.');
  return row;
}

export async function getApp(ctx: RequestContext, id: number) {
  return appView(await loadApp(ctx, id));
}

export async function updateApp(ctx: RequestContext, { id, changes: input }: { id: number; changes: AppInput }) {
  const row = await loadApp(ctx, id);
  validate({ ...input, grant_types: input.grant_types ?? row.grantTypes, redirect_uris: input.redirect_uris ?? row.redirectUris });
  if (input.allow_password_grant !== undefined) assertAdmin(ctx);
  // Whether a client is public is fixed when it is made (a secret cannot appear or vanish); naming the same kind is
  // accepted and changes nothing.
  if (input.token_endpoint_auth_method !== undefined && (input.token_endpoint_auth_method === 'none') !== (row.secretHash === null)) {
    throw ApiError.validation({
      token_endpoint_auth_method: [
        row.secretHash === null ? 'a public app cannot become confidential; create a new app' : 'a confidential app cannot become public; create a new app',
      ],
    });
  }
  const set: Partial<typeof oauthClients.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.redirect_uris !== undefined) set.redirectUris = input.redirect_uris;
  if (input.grant_types !== undefined) set.grantTypes = [...new Set(input.grant_types)];
  if (input.scope !== undefined) set.scope = input.scope;
  if (input.allow_password_grant !== undefined) set.allowPasswordGrant = input.allow_password_grant;
  if (input.disabled !== undefined) set.disabled = input.disabled;
  if (input.access_token_ttl !== undefined) set.accessTokenTtl = input.access_token_ttl;
  if (input.refresh_token_ttl !== undefined) set.refreshTokenTtl = input.refresh_token_ttl;
  // A body that maps to no column (only fields that change nothing) updates nothing and answers the app as it is.
  const [updated] = Object.keys(set).length ? await ctx.db.update(oauthClients).set(set).where(ctx.byId(oauthClients, id)).returning() : [row];
  let out = updated!;
  if (out.grantTypes.includes('client_credentials') && out.secretHash) out = { ...out, integrationUserId: await ensureIntegrationUser(ctx, out) };
  await ctx.invalidate({ t: 'client', id: row.clientId });
  return appView(out);
}

/** A new secret, shown once. Tokens already issued stay valid until they expire (seed 001). */
export async function rotateSecret(ctx: RequestContext, id: number) {
  return rotateClientSecret(ctx, await loadApp(ctx, id));
}

/** A new secret for a client of the caller's account (found by `loadApp` or `loadManageableApp`); never an instance-wide one. */
export async function rotateClientSecret(ctx: RequestContext, row: ClientRow) {
  if (!row.secretHash) throw new ApiError('conflict', 'A public client has no secret.');
  if (row.accountId === null) throw new ApiError('conflict', 'An instance-wide client serves every account; no account rotates its secret.');
  const secret = makeSecret('cs');
  await ctx.db
    .update(oauthClients)
    .set({ secretHash: hashSecret(secret), secretRotatedAt: new Date() })
    .where(ctx.inAccount(oauthClients, eq(oauthClients.id, row.id)));
  await ctx.invalidate({ t: 'client', id: row.clientId });
  return { client_id: row.clientId, client_secret: secret };
}

/** Deletes the app and revokes everything it issued; its integration user goes with it. */
export async function deleteApp(ctx: RequestContext, id: number) {
  await deleteClientRow(ctx, await loadApp(ctx, id));
}

/**
 * Deletes a client of the caller's account (found by `loadApp`, or by a superuser among the clients they manage),
 * what it issued, and its integration user. An instance-wide client is refused (409).
 */
export async function deleteClientRow(ctx: RequestContext, row: ClientRow) {
  // The instance-wide client serves every account's logins: one account's superuser may not take it from the others.
  if (row.accountId === null) throw new ApiError('conflict', 'An instance-wide client serves every account and cannot be deleted.');
  const { db, machinery } = ctx;
  await db.delete(oauthClients).where(ctx.inAccount(oauthClients, eq(oauthClients.id, row.id)));
  // Tokens of the client, whichever account their users are in (an instance-wide client serves every account).
  await db.delete(oauthAppTokens).where(eq(oauthAppTokens.clientId, row.clientId));
  await revokeClientTokens(db, machinery.bus, row.clientId);
  if (row.integrationUserId) {
    await db.delete(users).where(ctx.inAccount(users, eq(users.id, row.integrationUserId), eq(users.kind, 'integration')));
    await ctx.invalidate({ t: 'user', id: row.integrationUserId });
  }
}

/** The applications a superuser manages: their account's and the instance-wide ones (never another account's). */
export async function listManageableApps(ctx: RequestContext) {
  const rows = await ctx.db.select().from(oauthClients).where(inAccountOrShared(ctx, oauthClients)).orderBy(asc(oauthClients.id));
  return rows.map((r) => ({ ...appView(r), account_id: r.accountId }));
}

/** Enables or disables an application the caller manages. */
export async function setAppDisabled(ctx: RequestContext, { id, disabled }: { id: number; disabled: boolean }) {
  // As deleting it: the instance-wide client serves every account's logins, and one account's superuser may not stop them.
  if ((await loadManageableApp(ctx, id)).accountId === null) {
    throw new ApiError('conflict', 'An instance-wide client serves every account and cannot be disabled by one.');
  }
  const [row] = await ctx.db
    .update(oauthClients)
    .set({ disabled })
    .where(ctx.inAccount(oauthClients, eq(oauthClients.id, id)))
    .returning();
  if (!row) throw ApiError.notFound('No such application.');
  await ctx.invalidate({ t: 'client', id: row.clientId });
  return appView(row);
}

/** An application a superuser manages (their account's or an instance-wide one), else 404. */
export async function loadManageableApp(ctx: RequestContext, id: number): Promise<ClientRow> {
  const [row] = await ctx.db
    .select()
    .from(oauthClients)
    .where(and(eq(oauthClients.id, id), inAccountOrShared(ctx, oauthClients)))
    .limit(1);
  if (!row) throw ApiError.notFound('No such application.');
  return row;
}

/** Deletes an application the caller manages, and everything it issued. */
export async function deleteManageableApp(ctx: RequestContext, id: number) {
  await deleteClientRow(ctx, await loadManageableApp(ctx, id));
}

/** The token manager's entries name the OAuth tokens they are about, not the caller's credential (never a token value). */
const TOKEN_MANAGER = { kind: 'oauth', id: null } as const;

function tokenView(t: typeof oauthAppTokens.$inferSelect) {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    created: t.createdAt.toISOString(),
    last_used: t.lastUsedAt?.toISOString() ?? null,
    expires: t.expiresAt?.toISOString() ?? null,
  };
}

/** Token manager (seed 002): an access + refresh token pair for the caller, scopes within the caller's rights. */
export async function createAppToken(ctx: RequestContext, input: { id: number; name: string; scope: string }) {
  const { id } = input;
  const row = await loadApp(ctx, id);
  if (row.disabled) throw new ApiError('conflict', 'The app is disabled.');
  const user = ctx.principal.user;
  if (user.kind !== 'human') throw new ApiError('permission.denied', 'Only people can create app tokens.');
  let scope: string[];
  try {
    // Within what this request may do (user ∩ the caller's own scope): a narrow token never mints a wider one.
    scope = grantableScopes(input.scope, { ...user, rights: ctx.rights, superuser: ctx.superuser });
  } catch (err) {
    if (err instanceof ScopeError) throw ApiError.validation({ scope: [err.message] });
    throw err;
  }
  const asked = input.scope.split(' ').filter(Boolean);
  const refused = asked.filter((s) => !scope.includes(s));
  if (refused.length) throw new ApiError('permission.denied', `You do not have the rights for: ${refused.join(' ')}`);
  const rt = ctx.machinery.oauth;
  if (!rt) throw new Error('The OAuth provider is not set up on this instance.');
  const provider = await rt.get();
  const client = await provider.Client.find(row.clientId);
  if (!client) throw new ApiError('conflict', 'The app is disabled.');
  const issued = await issueUserTokens(provider, client, user.id, scope, 'qm_app');
  ctx.audit('token.issued', { grant_type: 'token_manager', client_id: row.clientId }, { credential: TOKEN_MANAGER });
  const [t] = await ctx.db
    .insert(oauthAppTokens)
    .values({
      accountId: ctx.accountId,
      clientId: row.clientId,
      userId: user.id,
      name: input.name,
      scope: scope.join(' '),
      grantId: issued.grantId,
      expiresAt: issued.refreshExpiresAt,
    })
    .returning();
  return {
    ...tokenView(t!),
    access_token: issued.accessToken,
    token_type: 'Bearer' as const,
    expires_in: issued.expiresIn,
    refresh_token: issued.refreshToken,
  };
}

export async function listAppTokens(ctx: RequestContext, id: number) {
  const row = await loadApp(ctx, id);
  const rows = await ctx.db
    .select()
    .from(oauthAppTokens)
    .where(ctx.inAccount(oauthAppTokens, eq(oauthAppTokens.clientId, row.clientId), isNull(oauthAppTokens.revokedAt)))
    .orderBy(desc(oauthAppTokens.id));
  return rows.map(tokenView);
}

export async function revokeAppTokens(ctx: RequestContext, { id, tokenId }: { id: number; tokenId?: number }) {
  const row = await loadApp(ctx, id);
  const rows = await ctx.db
    .update(oauthAppTokens)
    .set({ revokedAt: new Date() })
    .where(
      ctx.inAccount(
        oauthAppTokens,
        eq(oauthAppTokens.clientId, row.clientId),
        isNull(oauthAppTokens.revokedAt),
        tokenId ? eq(oauthAppTokens.id, tokenId) : undefined,
      ),
    )
    .returning({ grantId: oauthAppTokens.grantId });
  if (tokenId && !rows.length) throw ApiError.notFound('No such token.');
  await revokeGrants(
    ctx.db,
    ctx.machinery.bus,
    rows.map((r) => r.grantId),
  );
  if (rows.length) ctx.audit('token.revoked', { client_id: row.clientId, tokens: rows.length }, { credential: TOKEN_MANAGER });
  return { revoked: rows.length };
}
