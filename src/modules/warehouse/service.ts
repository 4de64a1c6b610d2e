import { eq } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { assertWarehouse, inPermittedWarehouses } from '../../access/warehouses.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import { bins, lots, salesOrders, warehouses } from '../../db/schema/index.js';
import { byId, inAccount } from '../../db/scoped.js';
import type { Static } from '@sinclair/typebox';
import { ApiError } from '../../http/errors.js';
import type { Create, Patch, WarehouseFilters } from './routes.js';
import { runList, type ListParams, type ListSpec } from '../../http/list/engine.js';
import { textSearch } from '../../http/list/filters.js';

type Row = typeof warehouses.$inferSelect;

export function warehouseView(r: Row) {
  return {
    wID: r.id,
    code: r.code,
    name: r.name,
    address: r.address,
    active: r.active,
    created: r.createdAt.toISOString(),
    updated: r.updatedAt.toISOString(),
  };
}

const spec: ListSpec<Row> = {
  sorts: {
    wID: { column: warehouses.id, value: (r) => r.id },
    code: { column: warehouses.code, kind: 'string', value: (r) => r.code },
    name: { column: warehouses.name, kind: 'string', value: (r) => r.name },
  },
  id: { column: warehouses.id, value: (r) => r.id },
};

/** A limited user lists only the warehouses they may use. */
export async function listWarehouses(ctx: RequestContext, q: ListParams & Static<typeof WarehouseFilters>) {
  const filters = [
    inPermittedWarehouses(ctx, warehouses.id),
    q.code !== undefined ? eq(warehouses.code, q.code) : undefined,
    q.active !== undefined ? eq(warehouses.active, q.active) : undefined,
    textSearch(q.q, warehouses.code, warehouses.name),
  ];
  return runList(ctx, spec, q, { table: warehouses, filters }, (rows) => rows.map(warehouseView));
}

/** A warehouse of the account the caller may use: 403 warehouse.forbidden when not theirs, 404 when not in the account. */
export async function usableWarehouse(ctx: RequestContext, wid: number): Promise<Row> {
  assertWarehouse(ctx, wid);
  const [row] = await ctx.db
    .select()
    .from(warehouses)
    .where(byId(ctx, warehouses, wid));
  if (!row) throw ApiError.notFound(`Warehouse ${wid} not found.`);
  return row;
}

/**
 * The id of the account's warehouse with this code (for APIs that name warehouses by code), or 404. It does not
 * check the warehouse scope: whatever the id is then used for does, and answers 403 for someone else's warehouse.
 */
export async function warehouseIdByCode(ctx: RequestContext, code: string): Promise<number> {
  const [row] = await ctx.db
    .select({ id: warehouses.id })
    .from(warehouses)
    .where(inAccount(ctx, warehouses, eq(warehouses.code, code)))
    .limit(1);
  if (!row) throw ApiError.notFound(`Warehouse ${code} not found.`);
  return row.id;
}

export async function getWarehouse(ctx: RequestContext, wid: number) {
  return warehouseView(await usableWarehouse(ctx, wid));
}

function duplicateCode(code: string | undefined) {
  return new ApiError('conflict', `A warehouse with code "${code}" already exists.`, { code: ['must be unique'] });
}

export async function createWarehouse(ctx: RequestContext, input: Static<typeof Create>) {
  // A user limited to some warehouses could not see or use a new one: creating warehouses is for unlimited users.
  if (ctx.warehouses !== null) throw new ApiError('warehouse.forbidden', 'Users limited to some warehouses cannot create warehouses.');
  try {
    const [row] = await ctx.db
      .insert(warehouses)
      .values({ accountId: ctx.accountId, code: input.code, name: input.name, address: input.address ?? null, active: input.active ?? true })
      .returning();
    return warehouseView(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateCode(input.code);
    throw err;
  }
}

export async function updateWarehouse(ctx: RequestContext, wid: number, input: Static<typeof Patch>) {
  await usableWarehouse(ctx, wid);
  try {
    const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const [row] = await ctx.db
      .update(warehouses)
      .set({ ...set, updatedAt: new Date() })
      .where(byId(ctx, warehouses, wid))
      .returning();
    return warehouseView(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateCode(input.code);
    throw err;
  }
}

export async function deleteWarehouse(ctx: RequestContext, wid: number) {
  await usableWarehouse(ctx, wid);
  const [lot] = await ctx.db
    .select({ id: lots.id })
    .from(lots)
    .where(inAccount(ctx, lots, eq(lots.warehouseId, wid)))
    .limit(1);
  const [order] = await ctx.db
    .select({ id: salesOrders.id })
    .from(salesOrders)
    .where(inAccount(ctx, salesOrders, eq(salesOrders.warehouseId, wid)))
    .limit(1);
  const inUse = () => new ApiError('conflict', `Warehouse ${wid} has stock or orders; deactivate it instead (PATCH active=false).`);
  if (lot || order) throw inUse();
  try {
    await ctx.db.delete(warehouses).where(byId(ctx, warehouses, wid));
  } catch (err) {
    if (isForeignKeyViolation(err)) throw inUse();
    throw err;
  }
}

type BinRow = typeof bins.$inferSelect;
const binView = (b: BinRow) => ({ binID: b.id, wID: b.warehouseId, spot: b.code, description: b.description });

export async function listBins(ctx: RequestContext, wid: number) {
  await usableWarehouse(ctx, wid);
  const rows = await ctx.db
    .select()
    .from(bins)
    .where(inAccount(ctx, bins, eq(bins.warehouseId, wid)))
    .orderBy(bins.code);
  return rows.map(binView);
}

/** One bin by its id: 404 outside the account, 403 warehouse.forbidden when its warehouse is not the caller's. */
export async function getBin(ctx: RequestContext, binId: number) {
  const [row] = await ctx.db
    .select()
    .from(bins)
    .where(byId(ctx, bins, binId));
  if (!row) throw ApiError.notFound(`Bin ${binId} not found.`);
  assertWarehouse(ctx, row.warehouseId);
  return binView(row);
}

export async function createBin(ctx: RequestContext, wid: number, input: { spot: string; description?: string }) {
  await usableWarehouse(ctx, wid);
  try {
    const [row] = await ctx.db
      .insert(bins)
      .values({ accountId: ctx.accountId, warehouseId: wid, code: input.spot, description: input.description ?? '' })
      .returning();
    return binView(row!);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError('conflict', `Bin "${input.spot}" already exists in warehouse ${wid}.`, { spot: ['must be unique in the warehouse'] });
    throw err;
  }
}

export async function deleteBin(ctx: RequestContext, wid: number, binId: number) {
  await usableWarehouse(ctx, wid);
  const deleted = await ctx.db
    .delete(bins)
    .where(byId(ctx, bins, binId, eq(bins.warehouseId, wid)))
    .returning({ id: bins.id });
  if (!deleted.length) throw ApiError.notFound(`Bin ${binId} not found in warehouse ${wid}.`);
}
