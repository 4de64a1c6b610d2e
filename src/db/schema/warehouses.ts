import { boolean, pgTable, text, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';

export const warehouses = pgTable(
  'warehouses',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('warehouses_account_code_key').on(t.accountId, t.code), index('warehouses_account_idx').on(t.accountId, t.id)],
);

/** Bins (InventoryPro "spots") of a warehouse. A lot names its bin by code in `spot`. */
export const bins = pgTable(
  'bins',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    warehouseId: ref('warehouse_id')
      .notNull()
      .references(() => warehouses.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('bins_warehouse_code_key').on(t.warehouseId, t.code), index('bins_account_idx').on(t.accountId, t.warehouseId, t.id)],
);
