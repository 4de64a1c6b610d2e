import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';
import { warehouses } from './warehouses.js';

export const users = pgTable(
  'users',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    username: text('username').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash'),
    pinHash: text('pin_hash'),
    isActive: boolean('is_active').notNull().default(true),
    isReadOnly: boolean('is_read_only').notNull().default(false),
    isSuperuser: boolean('is_superuser').notNull().default(false),
    /** 'human' logs in; 'integration' is the user an OAuth client acts as (seed 001). */
    kind: text('kind').notNull().default('human'),
    /** Bumped on password, PIN, group, warehouse or status change: cached credentials check it. */
    securityStamp: integer('security_stamp').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
    lastLoginAt: tstamp('last_login_at'),
  },
  (t) => [
    // Basic auth and login name no account, so usernames and emails are unique instance-wide.
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    index('users_account_idx').on(t.accountId, t.id),
  ],
);

/** Permission groups: `permissions` maps a ruleset to the actions it grants; `reports` names the reports it may run. */
export const groups = pgTable(
  'groups',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    builtin: text('builtin'),
    permissions: jsonb('permissions').$type<Record<string, string[]>>().notNull().default({}),
    reports: jsonb('reports').$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('groups_account_name_key').on(t.accountId, sql`lower(${t.name})`)],
);

export const userGroups = pgTable(
  'user_groups',
  {
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupId: ref('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index('user_groups_group_idx').on(t.groupId)],
);

/** A user with no rows here may use every warehouse of the account. */
export const userWarehouses = pgTable(
  'user_warehouses',
  {
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    warehouseId: ref('warehouse_id')
      .notNull()
      .references(() => warehouses.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.warehouseId] }), index('user_warehouses_wh_idx').on(t.warehouseId)],
);
