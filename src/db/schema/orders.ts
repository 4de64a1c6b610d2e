import { index, numeric, pgTable, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';
import { customers } from './customers.js';
import { items, msTime } from './items.js';
import { warehouses } from './warehouses.js';
import { lots } from './inventory.js';

const qty = (name: string) => numeric(name, { precision: 18, scale: 4 });

/** A sales order ships from one warehouse. Status: draft → confirmed → shipped, or → cancelled. */
export const salesOrders = pgTable(
  'sales_orders',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    customerId: ref('customer_id').references(() => customers.id),
    warehouseId: ref('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    status: text('status').notNull().default('draft'),
    reference: text('reference'),
    remark: text('remark'),
    createdAt: msTime('created_at').notNull().defaultNow(),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('sales_orders_account_idx').on(t.accountId, t.id),
    index('sales_orders_wh_idx').on(t.accountId, t.warehouseId, t.id),
    index('sales_orders_created_idx').on(t.accountId, t.createdAt, t.id),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    orderId: ref('order_id')
      .notNull()
      .references(() => salesOrders.id, { onDelete: 'cascade' }),
    itemId: ref('item_id')
      .notNull()
      .references(() => items.id),
    units: qty('units').notNull(),
    price: qty('price'),
  },
  (t) => [index('order_lines_order_idx').on(t.orderId, t.id), index('order_lines_item_idx').on(t.accountId, t.itemId)],
);

/** Which lots a confirmed order holds, and how much of each. Released on cancel, issued on ship. */
export const orderReservations = pgTable(
  'order_reservations',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    orderId: ref('order_id')
      .notNull()
      .references(() => salesOrders.id, { onDelete: 'cascade' }),
    lineId: ref('line_id')
      .notNull()
      .references(() => orderLines.id, { onDelete: 'cascade' }),
    lotId: ref('lot_id')
      .notNull()
      .references(() => lots.id),
    units: qty('units').notNull(),
  },
  (t) => [index('order_reservations_order_idx').on(t.orderId), index('order_reservations_lot_idx').on(t.lotId)],
);

export const orderStatusHistory = pgTable(
  'order_status_history',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    orderId: ref('order_id')
      .notNull()
      .references(() => salesOrders.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    userId: ref('user_id'),
    createdAt: createdAt(),
  },
  (t) => [index('order_status_history_order_idx').on(t.orderId, t.id)],
);
