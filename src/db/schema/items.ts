import { bigint, boolean, index, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';

/** Millisecond timestamps for sortable columns: a keyset cursor carries a JS Date, so the stored value must equal it. */
export const msTime = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** Products / parts. `id` is the API's `partNo`; `shortId` is the SKU. */
export const items = pgTable(
  'items',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    shortId: text('short_id').notNull(),
    description: text('description').notNull().default(''),
    unit: text('unit').notNull().default('each'),
    categoryId: ref('category_id'),
    active: boolean('active').notNull().default(true),
    cost: numeric('cost', { precision: 18, scale: 4 }),
    price: numeric('price', { precision: 18, scale: 4 }),
    reorderPoint: numeric('reorder_point', { precision: 18, scale: 4 }),
    createdAt: createdAt(),
    updatedAt: msTime('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('items_account_sku_key').on(t.accountId, t.shortId),
    index('items_account_idx').on(t.accountId, t.id),
    // Filtered and sorted lists stay index-only walks at any size: (account, filter, id) for keyset paging.
    index('items_account_category_idx').on(t.accountId, t.categoryId, t.id),
    // Category + active (the catalogue's usual filter): page and capped count are both index-only walks.
    index('items_account_category_active_idx').on(t.accountId, t.categoryId, t.active, t.id),
    index('items_account_active_idx').on(t.accountId, t.active, t.id),
    index('items_account_updated_idx').on(t.accountId, t.updatedAt, t.id),
    index('items_account_desc_idx').on(t.accountId, t.description, t.id),
  ],
);

/** Category tree: `parentId` null for a root. */
export const categories = pgTable(
  'categories',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    parentId: ref('parent_id'),
    createdAt: createdAt(),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
  },
  (t) => [index('categories_account_idx').on(t.accountId, t.id), index('categories_parent_idx').on(t.accountId, t.parentId)],
);

/**
 * Row counts kept in the same transaction as the rows (items, lots, stock levels, ledger): an unfiltered list's
 * `totalCount` is one key lookup instead of a count(*) that grows with the table.
 */
export const accountCounters = pgTable(
  'account_counters',
  {
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    n: bigint('n', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.name] })],
);
