import { sql } from 'drizzle-orm';
import { boolean, check, index, numeric, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';
import { items, msTime } from './items.js';
import { warehouses } from './warehouses.js';

const qty = (name: string) => numeric(name, { precision: 18, scale: 4 });

/** A quantity of one item in one warehouse bin. `id` is the API's `recNo`. */
export const lots = pgTable(
  'lots',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    itemId: ref('item_id')
      .notNull()
      .references(() => items.id),
    warehouseId: ref('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    spot: text('spot').notNull().default(''),
    serial: text('serial'),
    units: qty('units').notNull().default('0'),
    reserved: qty('reserved').notNull().default('0'),
    onHold: boolean('on_hold').notNull().default(false),
    remark: text('remark'),
    receivedAt: msTime('received_at').notNull().defaultNow(),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // The database refuses negative stock even if a code path forgot to check.
    check('lots_units_nonneg', sql`${t.units} >= 0 and ${t.reserved} >= 0 and ${t.reserved} <= ${t.units}`),
    index('lots_account_idx').on(t.accountId, t.id),
    index('lots_account_wh_idx').on(t.accountId, t.warehouseId, t.id),
    index('lots_pick_idx').on(t.accountId, t.itemId, t.warehouseId, t.receivedAt, t.id),
  ],
);

/**
 * Stock per item and warehouse, maintained in the same transaction as the lots and the ledger (always equal to the
 * ledger's sums; the concurrency test checks it). A StockLevels page is an index walk, flat at any size.
 */
export const stockLevels = pgTable(
  'stock_levels',
  {
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    itemId: ref('item_id')
      .notNull()
      .references(() => items.id),
    warehouseId: ref('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    onHand: qty('on_hand').notNull().default('0'),
    reserved: qty('reserved').notNull().default('0'),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.itemId, t.warehouseId] }),
    // No CHECK here: an upsert's proposed row carries the (possibly negative) delta. The lots' CHECK guards stock.
    index('stock_levels_wh_idx').on(t.accountId, t.warehouseId, t.itemId),
  ],
);

/** The immutable ledger: one row per affected lot per transaction. `units`/`reserved` are deltas. */
export const stockTransactions = pgTable(
  'stock_transactions',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    lotId: ref('lot_id').notNull(),
    itemId: ref('item_id').notNull(),
    warehouseId: ref('warehouse_id').notNull(),
    spot: text('spot').notNull().default(''),
    kind: text('kind').notNull(),
    units: qty('units').notNull().default('0'),
    reserved: qty('reserved').notNull().default('0'),
    /** Groups the entries of one request (a move writes two or more). */
    reference: text('reference').notNull(),
    orderId: ref('order_id'),
    reason: text('reason'),
    remark: text('remark'),
    userId: ref('user_id'),
    credentialKind: text('credential_kind'),
    createdAt: createdAt(),
  },
  (t) => [
    index('stock_tx_account_idx').on(t.accountId, t.id),
    index('stock_tx_wh_idx').on(t.accountId, t.warehouseId, t.id),
    index('stock_tx_item_idx').on(t.accountId, t.itemId, t.id),
    index('stock_tx_created_idx').on(t.accountId, t.createdAt, t.id),
  ],
);
