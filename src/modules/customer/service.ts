import { eq } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { customers, salesOrders } from '../../db/schema/index.js';
import { byId, inAccount } from '../../db/scoped.js';
import type { Static } from '@sinclair/typebox';
import { ApiError } from '../../http/errors.js';
import type { Create, CustomerFilters, Patch } from './routes.js';
import { runList, type ListParams, type ListSpec } from '../../http/list/engine.js';
import { textSearch } from '../../http/list/filters.js';

type Row = typeof customers.$inferSelect;

export function customerView(r: Row) {
  return {
    customerID: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    address: r.address,
    active: r.active,
    created: r.createdAt.toISOString(),
    updated: r.updatedAt.toISOString(),
  };
}

const spec: ListSpec<Row> = {
  sorts: { customerID: { column: customers.id, value: (r) => r.id }, name: { column: customers.name, kind: 'string', value: (r) => r.name } },
  id: { column: customers.id, value: (r) => r.id },
};

export async function listCustomers(ctx: RequestContext, q: ListParams & Static<typeof CustomerFilters>) {
  const filters = [q.active !== undefined ? eq(customers.active, q.active) : undefined, textSearch(q.q, customers.name, customers.email)];
  return runList(ctx, spec, q, { table: customers, filters }, (rows) => rows.map(customerView));
}

export async function getCustomer(ctx: RequestContext, id: number) {
  const [row] = await ctx.db
    .select()
    .from(customers)
    .where(byId(ctx, customers, id));
  if (!row) throw ApiError.notFound(`Customer ${id} not found.`);
  return customerView(row);
}

export async function createCustomer(ctx: RequestContext, input: Static<typeof Create>) {
  const [row] = await ctx.db
    .insert(customers)
    .values({
      accountId: ctx.accountId,
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      address: input.address ?? null,
      active: input.active ?? true,
    })
    .returning();
  return customerView(row!);
}

export async function updateCustomer(ctx: RequestContext, id: number, input: Static<typeof Patch>) {
  const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const [row] = await ctx.db
    .update(customers)
    .set({ ...set, updatedAt: new Date() })
    .where(byId(ctx, customers, id))
    .returning();
  if (!row) throw ApiError.notFound(`Customer ${id} not found.`);
  return customerView(row);
}

export async function deleteCustomer(ctx: RequestContext, id: number) {
  await getCustomer(ctx, id);
  const [order] = await ctx.db
    .select({ id: salesOrders.id })
    .from(salesOrders)
    .where(inAccount(ctx, salesOrders, eq(salesOrders.customerId, id)))
    .limit(1);
  if (order) throw new ApiError('conflict', `Customer ${id} has orders; deactivate instead (PATCH active=false).`);
  await ctx.db.delete(customers).where(byId(ctx, customers, id));
}
