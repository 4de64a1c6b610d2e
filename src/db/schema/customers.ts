import { boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, id, ref, tstamp } from './common.js';

export const customers = pgTable(
  'customers',
  {
    id: id(),
    accountId: ref('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    address: text('address'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: tstamp('updated_at').notNull().defaultNow(),
  },
  (t) => [index('customers_account_idx').on(t.accountId, t.id)],
);
