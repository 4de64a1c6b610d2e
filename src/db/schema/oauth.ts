import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';
import { users } from './users.js';

/**
 * OAuth clients ("apps", seed 002). Only the SHA-256 of a confidential client's secret is stored.
 * `account_id` is null for the one instance-wide client: the default public PKCE client (seed 000).
 */
export const oauthClients = pgTable(
  'oauth_clients',
  {
    id: id(),
    accountId: ref('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    /** The user who created the app (null for the instance-wide default client). */
    ownerId: ref('owner_id').references(() => users.id, { onDelete: 'set null' }),
    clientId: text('client_id').notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash'),
    redirectUris: jsonb('redirect_uris').$type<string[]>().notNull().default([]),
    grantTypes: jsonb('grant_types').$type<string[]>().notNull().default([]),
    /** Space-separated scopes the client may ask for (empty: any scope its user has). */
    scope: text('scope').notNull().default(''),
    allowPasswordGrant: boolean('allow_password_grant').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    /** The user a client_credentials token acts as (seed 001). */
    integrationUserId: ref('integration_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Per-client lifetimes in seconds; null: the grant's default. */
    accessTokenTtl: integer('access_token_ttl'),
    refreshTokenTtl: integer('refresh_token_ttl'),
    createdAt: createdAt(),
    secretRotatedAt: tstamp('secret_rotated_at'),
  },
  (t) => [uniqueIndex('oauth_clients_client_id_key').on(t.clientId), index('oauth_clients_account_idx').on(t.accountId)],
);

/**
 * oidc-provider's storage (grants, tokens, codes, sessions, interactions). Token and code rows are keyed by
 * `<model>:<SHA-256 of the id>` and their payload is stored without the id, so the table never holds a usable token.
 */
export const oauthPayloads = pgTable(
  'oauth_payloads',
  {
    key: text('key').primaryKey(),
    model: text('model').notNull(),
    accountId: ref('account_id'),
    grantId: text('grant_id'),
    uid: text('uid'),
    userCode: text('user_code'),
    clientId: text('client_id'),
    userId: ref('user_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    expiresAt: tstamp('expires_at'),
    consumedAt: tstamp('consumed_at'),
  },
  (t) => [
    index('oauth_payloads_grant_idx').on(t.grantId),
    index('oauth_payloads_uid_idx').on(t.uid),
    index('oauth_payloads_client_idx').on(t.clientId),
    index('oauth_payloads_expires_idx').on(t.expiresAt),
  ],
);

/** Tokens made in the token manager (seed 002): one row per token, its grant holds the access + refresh tokens. */
export const oauthAppTokens = pgTable(
  'oauth_app_tokens',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scope: text('scope').notNull(),
    grantId: text('grant_id').notNull(),
    createdAt: createdAt(),
    lastUsedAt: tstamp('last_used_at'),
    expiresAt: tstamp('expires_at'),
    revokedAt: tstamp('revoked_at'),
  },
  (t) => [
    index('oauth_app_tokens_client_idx').on(t.clientId),
    uniqueIndex('oauth_app_tokens_grant_key')
      .on(t.grantId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

/** Signing keys (private JWKs), newest first in use; old ones stay published until removed. */
export const oauthSigningKeys = pgTable('oauth_signing_keys', {
  id: id(),
  kid: text('kid').notNull().unique(),
  jwk: jsonb('jwk').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  retiredAt: tstamp('retired_at'),
});
