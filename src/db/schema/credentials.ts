import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';
import { users } from './users.js';

/** Fields every stored credential has: who owns it, when it was last used and from where. */
const owned = () => ({
  accountId: ref('account_id')
    .notNull()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  userId: ref('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  lastUsedAt: tstamp('last_used_at'),
  lastUsedIp: text('last_used_ip'),
  revokedAt: tstamp('revoked_at'),
});

/** Personal tokens (`Authorization: Token …`, seed 000). Only the SHA-256 of the token is stored. */
export const personalTokens = pgTable(
  'personal_tokens',
  {
    id: id(),
    ...owned(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token, to recognise it in a list without storing it. */
    hint: text('hint').notNull(),
    expiresAt: tstamp('expires_at'),
    /**
     * For tokens `GET /api/user/token/` may answer again: the random salt the token is derived from with the server
     * key, which lives outside the database (`QM_SECRET_KEY` or the key file). Null: a token shown once only.
     */
    derivationSalt: text('derivation_salt'),
  },
  (t) => [
    uniqueIndex('personal_tokens_hash_key').on(t.tokenHash),
    uniqueIndex('personal_tokens_live_name_key')
      .on(t.userId, t.name)
      .where(sql`${t.revokedAt} is null`),
    index('personal_tokens_user_idx').on(t.userId),
  ],
);

/** API key + secret (seed 004). The key is an identifier; only the secret's hash is stored. One live key per user. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    ...owned(),
    apiKey: text('api_key').notNull(),
    secretHash: text('secret_hash').notNull(),
    rotatedAt: tstamp('rotated_at'),
  },
  (t) => [
    uniqueIndex('api_keys_key_key').on(t.apiKey),
    uniqueIndex('api_keys_live_user_key')
      .on(t.userId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

/** Console cookie sessions and the access tokens of the PIN login (seed 002). */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    ...owned(),
    kind: text('kind').notNull(), // 'cookie' | 'token'
    tokenHash: text('token_hash').notNull(),
    expiresAt: tstamp('expires_at').notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [uniqueIndex('sessions_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/** The short-lived PIN token handed out between the password step and the PIN step. */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: tstamp('expires_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    usedAt: tstamp('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('login_challenges_hash_key').on(t.tokenHash)],
);

/** Failed password/PIN attempts per user and per address, shared by every instance. */
export const authFailures = pgTable('auth_failures', {
  key: text('key').primaryKey(), // 'user:<id>' or 'ip:<address>'
  failures: integer('failures').notNull().default(0),
  windowStart: tstamp('window_start').notNull().defaultNow(),
  lockedUntil: tstamp('locked_until'),
});
