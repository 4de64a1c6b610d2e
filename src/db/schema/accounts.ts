import { pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id } from './common.js';

/** One business. Every other row carries its account, and no query crosses accounts. */
export const accounts = pgTable('accounts', {
  id: id(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** Instance-wide secrets shared by every server instance (HMAC keys, signing keys). */
export const serverKeys = pgTable('server_keys', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});
