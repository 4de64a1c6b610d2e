import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { bigint } from 'drizzle-orm/pg-core';
import { tstamp } from './common.js';

/** Append-only: every credentialed request and every auth event. No foreign keys, so history outlives its subjects. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: bigint('account_id', { mode: 'number' }),
    userId: bigint('user_id', { mode: 'number' }),
    username: text('username'),
    event: text('event').notNull(), // 'request', 'login', 'login.failed', 'token.issued', …
    credentialKind: text('credential_kind'),
    credentialId: bigint('credential_id', { mode: 'number' }),
    method: text('method'),
    path: text('path'),
    status: integer('status'),
    ip: text('ip'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    at: tstamp('at').notNull().defaultNow(),
  },
  (t) => [index('audit_account_at_idx').on(t.accountId, t.id), index('audit_user_idx').on(t.accountId, t.userId, t.id)],
);
