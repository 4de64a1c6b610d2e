import type { Static } from '@sinclair/typebox';
import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import { categories, items, lots, orderLines, salesOrders } from '../../db/schema/index.js';
import { accountStatement } from '../../db/prepared.js';
import { byId, inAccount } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import { decimalText } from '../inventory/decimal.js';
import { bumpCounter, counterOnRows, counterValue } from '../../http/list/count.js';
import { pageFrom, planList, runList, type ListParams, type ListSpec } from '../../http/list/engine.js';
import { inDateRange, textSearch } from '../../http/list/filters.js';
import type { ItemCreate, ItemPatch, ItemQuery } from './routes.js';

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

/** An item's fields as the PATCH body declares them (the dialects build the same shape from their own bodies). */
export type ItemInput = Static<typeof ItemPatch>;

function dec(v: string | number | null | undefined, field: string) {
  if (v === undefined || v === null) return v;
  try {
    return decimalText(v);
  } catch {
    throw ApiError.validation({ [field]: ['must be a decimal with at most 14 digits before and 4 after the point'] });
  }
}

function columns(input: ItemInput) {
  return {
    shortId: input.shortID,
    description: input.description,
    unit: input.unit,
    categoryId: input.categoryID,
    active: input.active,
    cost: dec(input.cost, 'cost'),
    price: dec(input.price, 'price'),
    reorderPoint: dec(input.reorderPoint, 'reorderPoint'),
  };
}

function duplicateSku(sku: string | undefined) {
  return new ApiError('conflict', `An item with shortID "${sku}" already exists.`, { shortID: ['must be unique'] });
}

async function assertCategory(ctx: RequestContext, categoryId: number | null | undefined) {
  if (categoryId === null || categoryId === undefined) return;
  const [c] = await ctx.db
    .select({ id: categories.id })
    .from(categories)
    .where(byId(ctx, categories, categoryId))
    .limit(1);
  if (!c) throw ApiError.validation({ categoryID: [`category ${categoryId} does not exist`] });
}

export const itemList: ListSpec<Row> = {
  sorts: {
    partNo: { column: items.id, value: (r) => r.id },
    shortID: { column: items.shortId, kind: 'string', value: (r) => r.shortId },
    description: { column: items.description, kind: 'string', value: (r) => r.description },
    updated: { column: items.updatedAt, kind: 'date', value: (r) => r.updatedAt },
  },
  id: { column: items.id, value: (r) => r.id },
};

/** From the route's query schema, with `offset` and `categoryIDs` (items in any of these categories: a category and its subcategories, say) for the dialects. */
export type ItemFilters = ListParams & Static<typeof ItemQuery> & { categoryIDs?: number[] };

/** The common list call, a plain page (no filter, sort or cursor), as a prepared statement; each row carries the item counter. */
const plainItemPage = accountStatement<{ limit: number; offset: number }, (Row & { total: string | null })[]>('qm_item_page', (db, scope) =>
  db
    .select({ ...getTableColumns(items), total: counterOnRows(scope.accountId, 'items') })
    .from(items)
    .where(inAccount(scope, items))
    .orderBy(asc(items.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset')),
);

export async function listItems(ctx: RequestContext, q: ItemFilters) {
  const filters = [
    q.shortID !== undefined ? eq(items.shortId, q.shortID) : undefined,
    q.categoryID !== undefined ? eq(items.categoryId, q.categoryID) : undefined,
    q.categoryIDs !== undefined ? (q.categoryIDs.length ? inArray(items.categoryId, q.categoryIDs) : sql`false`) : undefined,
    q.active !== undefined ? eq(items.active, q.active) : undefined,
    textSearch(q.q, items.shortId, items.description),
    ...inDateRange(items.updatedAt, q.updatedFrom, q.updatedTo),
  ];
  // The hot path: a plain page (no filter, sort or cursor) is one prepared statement whose rows carry the total (an
  // empty page, past the end or of an empty account, reads the counter alone).
  if (filters.every((f) => f === undefined) && !q.sort && q.after === undefined) {
    const plan = planList(itemList, q);
    const rows = await plainItemPage(ctx, { limit: plan.limit, offset: plan.offset });
    const total = rows.length ? Number(rows[0]!.total ?? 0) : await counterValue(ctx, 'items');
    return pageFrom(itemList, plan, q, rows, total, itemView);
  }
  return runList(ctx, itemList, q, { table: items, filters, counter: 'items' }, (rows) => rows.map(itemView));
}

export async function getItem(ctx: RequestContext, partNo: number) {
  const [row] = await ctx.db
    .select()
    .from(items)
    .where(byId(ctx, items, partNo))
    .limit(1);
  if (!row) throw ApiError.notFound(`Item ${partNo} not found.`);
  return itemView(row);
}

export async function createItem(ctx: RequestContext, input: Static<typeof ItemCreate>) {
  await assertCategory(ctx, input.categoryID);
  try {
    const row = await ctx.tx(async (tx) => {
      const [row] = await tx.db
        .insert(items)
        .values({ accountId: ctx.accountId, ...columns(input), shortId: input.shortID })
        .returning();
      await bumpCounter(tx.db, ctx.accountId, 'items', 1);
      return row!;
    });
    return itemView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateSku(input.shortID);
    throw err;
  }
}

/** PUT replaces the item (missing optional fields return to their defaults); PATCH changes only the fields sent. */
export async function updateItem(ctx: RequestContext, partNo: number, input: ItemInput, replace = false) {
  await assertCategory(ctx, input.categoryID);
  const base = replace ? { description: '', unit: 'each', categoryID: null, active: true, cost: null, price: null, reorderPoint: null } : {};
  const set = Object.fromEntries(Object.entries(columns({ ...base, ...input })).filter(([, v]) => v !== undefined));
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

/** An item with stock history or open orders is kept (deactivate it instead): the ledger must keep its meaning. */
export async function deleteItem(ctx: RequestContext, partNo: number) {
  await ctx
    .tx(async (tx) => {
      const [row] = await tx.db
        .select({ id: items.id })
        .from(items)
        .where(byId(ctx, items, partNo))
        .for('update');
      if (!row) throw ApiError.notFound(`Item ${partNo} not found.`);
      const [lot] = await tx.db
        .select({ id: lots.id })
        .from(lots)
        .where(inAccount(ctx, lots, eq(lots.itemId, partNo)))
        .limit(1);
      if (lot) throw new ApiError('conflict', `Item ${partNo} has stock (lots); deactivate it instead (PATCH active=false).`);
      const [line] = await tx.db
        .select({ id: orderLines.id })
        .from(orderLines)
        .innerJoin(salesOrders, eq(salesOrders.id, orderLines.orderId))
        .where(and(inAccount(ctx, orderLines, eq(orderLines.itemId, partNo))))
        .limit(1);
      if (line) throw new ApiError('conflict', `Item ${partNo} is on sales orders; deactivate it instead (PATCH active=false).`);
      await tx.db.delete(items).where(byId(ctx, items, partNo));
      await bumpCounter(tx.db, ctx.accountId, 'items', -1);
    })
    .catch((err: unknown) => {
      // Stock received between the check and the delete: the foreign key refuses it.
      if (isForeignKeyViolation(err)) throw new ApiError('conflict', `Item ${partNo} has stock or orders; deactivate it instead (PATCH active=false).`);
      throw err;
    });
}

export async function itemsExist(ctx: RequestContext, ids: number[]): Promise<Map<number, Row>> {
  if (!ids.length) return new Map();
  const rows = await ctx.db
    .select()
    .from(items)
    .where(inAccount(ctx, items, inArray(items.id, [...new Set(ids)])));
  return new Map(rows.map((r) => [r.id, r]));
}
