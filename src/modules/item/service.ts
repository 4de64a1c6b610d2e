import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { isUniqueViolation } from '../../db/errors.js';
import { items } from '../../db/schema/index.js';
import { byId, inAccount } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import { offsetOf, toPage } from '../../http/paging.js';

type Row = typeof items.$inferSelect;

/** The API's item shape (InventoryPro field names). Decimals travel as strings: exact, no float drift. */
export function itemView(r: Row) {
  return {
    partNo: r.id,
    shortID: r.shortId,
    description: r.description,
    unit: r.unit,
    categoryID: r.categoryId,
    active: r.active,
    cost: r.cost,
    price: r.price,
    reorderPoint: r.reorderPoint,
    created: r.createdAt.toISOString(),
    updated: r.updatedAt.toISOString(),
  };
}

export interface ItemInput {
  shortID?: string;
  description?: string;
  unit?: string;
  categoryID?: number | null;
  active?: boolean;
  cost?: string | number | null;
  price?: string | number | null;
  reorderPoint?: string | number | null;
}

const dec = (v: string | number | null | undefined) => (v === undefined ? undefined : v === null ? null : String(v));

function columns(input: ItemInput) {
  return {
    shortId: input.shortID,
    description: input.description,
    unit: input.unit,
    categoryId: input.categoryID,
    active: input.active,
    cost: dec(input.cost),
    price: dec(input.price),
    reorderPoint: dec(input.reorderPoint),
  };
}

function duplicateSku(sku: string | undefined) {
  return new ApiError('conflict', `An item with shortID "${sku}" already exists.`, { shortID: ['must be unique'] });
}

export async function listItems(ctx: RequestContext, q: { page: number; pageSize: number; shortID?: string; active?: boolean }) {
  const where = inAccount(ctx, items, q.shortID !== undefined ? eq(items.shortId, q.shortID) : undefined, q.active !== undefined ? eq(items.active, q.active) : undefined);
  const [rows, [total]] = await Promise.all([
    ctx.db.select().from(items).where(where).orderBy(asc(items.id)).limit(q.pageSize).offset(offsetOf(q.page, q.pageSize)),
    ctx.db.select({ n: count() }).from(items).where(where),
  ]);
  return toPage(rows.map(itemView), total?.n ?? 0, q.page, q.pageSize);
}

export async function getItem(ctx: RequestContext, partNo: number) {
  const [row] = await ctx.db.select().from(items).where(byId(ctx, items, partNo)).limit(1);
  if (!row) throw ApiError.notFound(`Item ${partNo} not found.`);
  return itemView(row);
}

export async function createItem(ctx: RequestContext, input: ItemInput & { shortID: string }) {
  try {
    const [row] = await ctx.db.insert(items).values({ accountId: ctx.accountId, ...columns(input), shortId: input.shortID }).returning();
    return itemView(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateSku(input.shortID);
    throw err;
  }
}

export async function updateItem(ctx: RequestContext, partNo: number, input: ItemInput) {
  const set = Object.fromEntries(Object.entries(columns(input)).filter(([, v]) => v !== undefined));
  try {
    const [row] = await ctx.db
      .update(items)
      .set({ ...set, updatedAt: new Date() })
      .where(byId(ctx, items, partNo))
      .returning();
    if (!row) throw ApiError.notFound(`Item ${partNo} not found.`);
    return itemView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateSku(input.shortID);
    throw err;
  }
}

export async function deleteItem(ctx: RequestContext, partNo: number, extra?: SQL) {
  const deleted = await ctx.db.delete(items).where(and(byId(ctx, items, partNo), extra)).returning({ id: items.id });
  if (!deleted.length) throw ApiError.notFound(`Item ${partNo} not found.`);
}
