import { boolean, index, numeric, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';

/** Products / parts. `id` is the API's `partNo`; `shortId` is the SKU. */
export const items = pgTable(
  'items',
  {
    id: id(),
    accountId: ref('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    shortId: text('short_id').notNull(),
    description: text('description').notNull().default(''),
    unit: text('unit').notNull().default('each'),
    categoryId: ref('category_id'),
    active: boolean('active').notNull().default(true),
    cost: numeric('cost', { precision: 18, scale: 4 }),
    price: numeric('price', { precision: 18, scale: 4 }),
    reorderPoint: numeric('reorder_point', { precision: 18, scale: 4 }),
    createdAt: createdAt(),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('items_account_sku_key').on(t.accountId, t.shortId), index('items_account_idx').on(t.accountId, t.id)],
);
