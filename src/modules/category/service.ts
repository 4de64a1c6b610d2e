import { eq } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { categories, items } from '../../db/schema/index.js';
import { byId, inAccount } from '../../db/scoped.js';
import type { Static } from '@sinclair/typebox';
import { ApiError } from '../../http/errors.js';
import type { CategoryFilters, Create, Patch } from './routes.js';
import { runList, type ListParams, type ListSpec } from '../../http/list/engine.js';
import { textSearch } from '../../http/list/filters.js';

type Row = typeof categories.$inferSelect;

export function categoryView(r: Row) {
  return { categoryID: r.id, name: r.name, parentID: r.parentId, created: r.createdAt.toISOString(), updated: r.updatedAt.toISOString() };
}

const spec: ListSpec<Row> = {
  sorts: { categoryID: { column: categories.id, value: (r) => r.id }, name: { column: categories.name, kind: 'string', value: (r) => r.name } },
  id: { column: categories.id, value: (r) => r.id },
};

export async function listCategories(ctx: RequestContext, q: ListParams & Static<typeof CategoryFilters>) {
  const filters = [q.parentID !== undefined ? eq(categories.parentId, q.parentID) : undefined, textSearch(q.q, categories.name)];
  return runList(ctx, spec, q, { table: categories, filters }, (rows) => rows.map(categoryView));
}

export async function getCategory(ctx: RequestContext, id: number) {
  const [row] = await ctx.db
    .select()
    .from(categories)
    .where(byId(ctx, categories, id));
  if (!row) throw ApiError.notFound(`Category ${id} not found.`);
  return categoryView(row);
}

/** The parent must be in the account, and must not be the category itself or one of its descendants. */
async function checkParent(ctx: RequestContext, parentId: number | null | undefined, selfId?: number) {
  if (parentId === null || parentId === undefined) return;
  let cursor: number | null = parentId;
  for (let depth = 0; cursor !== null; depth++) {
    if (cursor === selfId || depth > 100) throw ApiError.validation({ parentID: ['would make the category its own ancestor'] });
    const [p]: { parentId: number | null }[] = await ctx.db
      .select({ parentId: categories.parentId })
      .from(categories)
      .where(byId(ctx, categories, cursor));
    if (!p) throw ApiError.validation({ parentID: [`category ${cursor} does not exist`] });
    cursor = p.parentId;
  }
}

export async function createCategory(ctx: RequestContext, input: Static<typeof Create>) {
  await checkParent(ctx, input.parentID);
  const [row] = await ctx.db
    .insert(categories)
    .values({ accountId: ctx.accountId, name: input.name, parentId: input.parentID ?? null })
    .returning();
  return categoryView(row!);
}

export async function updateCategory(ctx: RequestContext, id: number, input: Static<typeof Patch>) {
  await getCategory(ctx, id);
  await checkParent(ctx, input.parentID, id);
  const set: Partial<typeof categories.$inferInsert> = { updatedAt: new Date() };
  if (input.name !== undefined) set.name = input.name;
  if (input.parentID !== undefined) set.parentId = input.parentID;
  const [row] = await ctx.db
    .update(categories)
    .set(set)
    .where(byId(ctx, categories, id))
    .returning();
  return categoryView(row!);
}

export async function deleteCategory(ctx: RequestContext, id: number) {
  await getCategory(ctx, id);
  const [child] = await ctx.db
    .select({ id: categories.id })
    .from(categories)
    .where(inAccount(ctx, categories, eq(categories.parentId, id)))
    .limit(1);
  if (child) throw new ApiError('conflict', `Category ${id} has subcategories.`);
  const [item] = await ctx.db
    .select({ id: items.id })
    .from(items)
    .where(inAccount(ctx, items, eq(items.categoryId, id)))
    .limit(1);
  if (item) throw new ApiError('conflict', `Category ${id} still has items.`);
  await ctx.db.delete(categories).where(byId(ctx, categories, id));
}
