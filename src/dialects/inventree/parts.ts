import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RequestContext } from '../../auth/principal.js';
import { ApiError } from '../../http/errors.js';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from '../../modules/category/service.js';
import { createItem, deleteItem, getItem, listItems, updateItem, type ItemInput } from '../../modules/item/service.js';
import { errorResponses } from './errors.js';
import {
  asBody,
  boolField,
  loose,
  boolParam,
  decimalField,
  has,
  orderingParam,
  pathPk,
  pkField,
  pkParam,
  strField,
  textParam,
  type Body,
  type Query,
} from './input.js';
import { listResponse, memoryList, pagingQuery, serviceList } from './paging.js';

/**
 * InvenTree's parts and part categories (`/api/part/`, `/api/part/category/`) over our items and categories.
 * A part's `name` (and `IPN`, `full_name`) is the item's SKU (`shortID`); quantities are JSON numbers.
 */
const tags = ['InvenTree'];
const Num = Type.Union([Type.Number(), Type.Null()]);
const Nullable = <T extends ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);

export const PartSchema = Type.Object({
  pk: Type.Integer(),
  name: Type.String({ description: 'The SKU (our shortID).' }),
  full_name: Type.String(),
  IPN: Type.String({ description: 'The SKU as well: Quartermaster keeps one part number.' }),
  description: Type.String(),
  category: Nullable(Type.Integer()),
  active: Type.Boolean(),
  units: Type.String(),
  minimum_stock: Num,
  assembly: Type.Boolean(),
  component: Type.Boolean(),
  purchaseable: Type.Boolean(),
  salable: Type.Boolean(),
  trackable: Type.Boolean(),
  virtual: Type.Boolean(),
  is_template: Type.Boolean(),
  creation_date: Type.String({ description: 'YYYY-MM-DD' }),
});

export const CategorySchema = Type.Object({
  pk: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  parent: Nullable(Type.Integer()),
  pathstring: Type.String({ description: 'Names from the root, joined by "/".' }),
  level: Type.Integer(),
  structural: Type.Boolean(),
  icon: Type.String(),
  default_location: Type.Null(),
});

const PartWrite = Type.Object(
  {
    name: Type.Optional(loose(['string', 'number'], 'The SKU (required on create, unless IPN is given).')),
    IPN: Type.Optional(loose(['string', 'number', 'null'], 'The SKU as well: if sent with name, it must equal it.')),
    description: Type.Optional(loose(['string', 'null'])),
    category: Type.Optional(loose(['integer', 'string', 'null'], 'Category pk.')),
    active: Type.Optional(loose(['boolean', 'string', 'integer'])),
    units: Type.Optional(loose(['string', 'null'])),
    minimum_stock: Type.Optional(loose(['number', 'string', 'null'], 'Our reorder point.')),
  },
  { additionalProperties: true, description: 'Other InvenTree fields are accepted and ignored, as DRF ignores read-only fields.' },
);
const CategoryWrite = Type.Object(
  { name: Type.Optional(loose(['string', 'number'])), parent: Type.Optional(loose(['integer', 'string', 'null'], 'Parent category pk.')) },
  { additionalProperties: true, description: 'Other InvenTree fields (description, icon, …) are accepted and ignored.' },
);
const PkParams = Type.Object({ pk: Type.String() });
const listQuery = (extra: Record<string, ReturnType<typeof Type.String>>) => Type.Object({ ...pagingQuery, ...extra }, { additionalProperties: true });

type Item = Awaited<ReturnType<typeof getItem>>;
type Category = Awaited<ReturnType<typeof getCategory>>;

const num = (v: string | null) => (v === null ? null : Number(v));

export function partView(i: Item) {
  return {
    pk: i.partNo,
    name: i.shortID,
    full_name: i.shortID,
    IPN: i.shortID,
    description: i.description,
    category: i.categoryID,
    active: i.active,
    units: i.unit,
    minimum_stock: num(i.reorderPoint),
    assembly: false,
    component: true,
    purchaseable: true,
    salable: true,
    trackable: false,
    virtual: false,
    is_template: false,
    creation_date: i.created.slice(0, 10),
  };
}

const partFields = { shortID: 'name', categoryID: 'category', unit: 'units', reorderPoint: 'minimum_stock', partNo: 'pk' };

/** InvenTree part fields → our item input. `name` and `IPN` both name the SKU; if both are sent they must agree. */
function partInput(body: Body, creating: boolean): ItemInput {
  const name = strField(body, 'name', { max: 64 });
  const ipn = has(body, 'IPN') && body.IPN !== '' && body.IPN !== null ? strField(body, 'IPN', { max: 64 }) : undefined;
  if (name !== undefined && ipn !== undefined && name !== ipn) {
    throw ApiError.validation({ IPN: ['Quartermaster keeps one part number: IPN must equal name (or be left out).'] });
  }
  const sku = name ?? ipn;
  if (creating && sku === undefined) throw ApiError.validation({ name: ['This field is required.'] });
  const input: ItemInput = {};
  if (sku !== undefined) input.shortID = sku;
  const description = strField(body, 'description', { max: 2000, allowBlank: true });
  if (description !== undefined) input.description = description;
  const category = pkField(body, 'category', { nullable: true });
  if (category !== undefined) input.categoryID = category;
  const active = boolField(body, 'active');
  if (active !== undefined) input.active = active;
  const units = strField(body, 'units', { max: 32, allowBlank: true });
  if (units) input.unit = units;
  const minimum = decimalField(body, 'minimum_stock', { nullable: true });
  if (minimum !== undefined) input.reorderPoint = minimum;
  return input;
}

/** The names from the root down to a category, looked up once per request. */
class CategoryPaths {
  private readonly seen = new Map<number, Category>();
  constructor(private readonly ctx: RequestContext) {}

  remember(c: Category) {
    this.seen.set(c.categoryID, c);
  }

  private async get(id: number): Promise<Category> {
    let c = this.seen.get(id);
    if (!c) {
      c = await getCategory(this.ctx, id);
      this.seen.set(id, c);
    }
    return c;
  }

  async view(c: Category) {
    this.remember(c);
    const names = [c.name];
    let parent = c.parentID;
    // The service refuses cycles; the bound is a second guard.
    for (let depth = 0; parent !== null && depth < 100; depth++) {
      const p = await this.get(parent);
      names.unshift(p.name);
      parent = p.parentID;
    }
    return {
      pk: c.categoryID,
      name: c.name,
      description: '',
      parent: c.parentID,
      pathstring: names.join('/'),
      level: names.length - 1,
      structural: false,
      icon: '',
      default_location: null,
    };
  }
}

/** Every category under `root` (not itself), breadth first. */
async function descendants(ctx: RequestContext, root: number): Promise<Category[]> {
  const out: Category[] = [];
  let frontier = [root];
  while (frontier.length && out.length <= 10_000) {
    const next: number[] = [];
    for (const id of frontier) {
      for (let page = 1; ; page++) {
        const p = await listCategories(ctx, { page, pageSize: 500, parentID: id });
        out.push(...p.value);
        next.push(...p.value.map((c) => c.categoryID));
        if (!p.hasMore) break;
      }
    }
    frontier = next;
  }
  return out;
}

export const inventreePartRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // ---------------------------------------------------------------- part categories
  const category = (action: 'view' | 'add' | 'change' | 'delete') => ({
    access: { ruleset: 'category', action } as const,
    inventreeFields: { parentID: 'parent', categoryID: 'pk' },
  });

  app.route({
    method: 'GET',
    url: '/api/part/category/',
    config: category('view'),
    schema: {
      tags,
      summary: 'InvenTree: list part categories',
      description:
        'Filters: `parent` (with `cascade=true`: the whole subtree), `search` (name), `ordering` (name, pk). `cascade=false` without `parent`: top-level categories only.',
      querystring: listQuery({
        parent: Type.Optional(Type.String()),
        cascade: Type.Optional(Type.String()),
        search: Type.Optional(Type.String()),
        ordering: Type.Optional(Type.String()),
      }),
      response: { 200: listResponse(CategorySchema), ...errorResponses },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      const q = req.query as Query;
      const parent = pkParam(q, 'parent');
      const cascadeGiven = q.cascade !== undefined;
      const cascade = boolParam(q, 'cascade', false);
      const paths = new CategoryPaths(ctx);
      const search = textParam(q, 'search');
      if (parent !== undefined && cascade) {
        await getCategory(ctx, parent);
        let all = await descendants(ctx, parent);
        if (search) all = all.filter((c) => c.name.toLowerCase().includes(search.toLowerCase()));
        const views = [];
        for (const c of all) views.push(await paths.view(c));
        return memoryList(req, views);
      }
      if (parent === undefined && cascadeGiven && !cascade) {
        // Top-level categories only: the service filters by a parent, so the roots are picked here.
        const roots = [];
        for (let page = 1; ; page++) {
          const p = await listCategories(ctx, { page, pageSize: 500, q: search });
          for (const c of p.value) if (c.parentID === null) roots.push(await paths.view(c));
          if (!p.hasMore || roots.length > 10_000) break;
        }
        return memoryList(req, roots);
      }
      const sort = orderingParam(q, { name: 'name', pk: 'categoryID', id: 'categoryID' });
      return serviceList(
        req,
        (p) => listCategories(ctx, { ...p, parentID: parent, q: search }),
        async (rows) => {
          const out = [];
          for (const c of rows) out.push(await paths.view(c));
          return out;
        },
        sort,
      );
    },
  });

  app.route({
    method: 'GET',
    url: '/api/part/category/:pk/',
    config: category('view'),
    schema: { tags, summary: 'InvenTree: one part category', params: PkParams, response: { 200: CategorySchema, ...errorResponses } },
    handler: async (req) => new CategoryPaths(req.ctx!).view(await getCategory(req.ctx!, pathPk(req.params.pk, 'PartCategory'))),
  });

  app.route({
    method: 'POST',
    url: '/api/part/category/',
    config: category('add'),
    schema: { tags, summary: 'InvenTree: create a part category', body: CategoryWrite, response: { 201: CategorySchema, ...errorResponses } },
    handler: async (req, reply) => {
      const body = asBody(req.body);
      const name = strField(body, 'name', { required: true, max: 200 })!;
      const parent = pkField(body, 'parent', { nullable: true });
      const c = await createCategory(req.ctx!, { name, parentID: parent ?? null });
      return reply.code(201).send(await new CategoryPaths(req.ctx!).view(c));
    },
  });

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/api/part/category/:pk/',
      config: category('change'),
      schema: {
        tags,
        summary: 'InvenTree: update a part category',
        params: PkParams,
        body: CategoryWrite,
        response: { 200: CategorySchema, ...errorResponses },
      },
      handler: async (req) => {
        const ctx = req.ctx!;
        const id = pathPk(req.params.pk, 'PartCategory');
        const body = asBody(req.body);
        const input: { name?: string; parentID?: number | null } = {};
        const name = strField(body, 'name', { required: method === 'PUT', max: 200 });
        if (name !== undefined) input.name = name;
        const parent = pkField(body, 'parent', { nullable: true });
        if (parent !== undefined) input.parentID = parent;
        return new CategoryPaths(ctx).view(await updateCategory(ctx, id, input));
      },
    });
  }

  app.route({
    method: 'DELETE',
    url: '/api/part/category/:pk/',
    config: category('delete'),
    schema: {
      tags,
      summary: 'InvenTree: delete a part category (refused while it has subcategories or parts)',
      params: PkParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await deleteCategory(req.ctx!, pathPk(req.params.pk, 'PartCategory'));
      return reply.code(204).send(null);
    },
  });

  // ---------------------------------------------------------------- parts
  const part = (action: 'view' | 'add' | 'change' | 'delete') => ({ access: { ruleset: 'item', action } as const, inventreeFields: partFields });

  app.route({
    method: 'GET',
    url: '/api/part/',
    config: part('view'),
    schema: {
      tags,
      summary: 'InvenTree: list parts',
      description:
        'Filters: `category` (with its subcategories unless `cascade=false`), `active`, `search` (name/IPN and description), `ordering` (name, IPN, description, pk, updated).',
      querystring: listQuery({
        category: Type.Optional(Type.String()),
        cascade: Type.Optional(Type.String()),
        active: Type.Optional(Type.String()),
        search: Type.Optional(Type.String()),
        ordering: Type.Optional(Type.String()),
      }),
      response: { 200: listResponse(PartSchema), ...errorResponses },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      const q = req.query as Query;
      const categoryId = pkParam(q, 'category');
      let categoryIDs: number[] | undefined;
      if (categoryId !== undefined && boolParam(q, 'cascade', true)) {
        categoryIDs = [categoryId, ...(await descendants(ctx, categoryId)).map((c) => c.categoryID)];
      }
      const active = q.active === undefined || q.active === '' ? undefined : boolParam(q, 'active', true);
      const sort = orderingParam(q, {
        name: 'shortID',
        IPN: 'shortID',
        full_name: 'shortID',
        description: 'description',
        pk: 'partNo',
        id: 'partNo',
        updated: 'updated',
      });
      return serviceList(
        req,
        (p) => listItems(ctx, { ...p, categoryID: categoryIDs ? undefined : categoryId, categoryIDs, active, q: textParam(q, 'search') }),
        (rows) => rows.map(partView),
        sort,
      );
    },
  });

  app.route({
    method: 'GET',
    url: '/api/part/:pk/',
    config: part('view'),
    schema: { tags, summary: 'InvenTree: one part', params: PkParams, response: { 200: PartSchema, ...errorResponses } },
    handler: async (req) => partView(await getItem(req.ctx!, pathPk(req.params.pk, 'Part'))),
  });

  app.route({
    method: 'POST',
    url: '/api/part/',
    config: part('add'),
    schema: { tags, summary: 'InvenTree: create a part', body: PartWrite, response: { 201: PartSchema, ...errorResponses } },
    handler: async (req, reply) => {
      const input = partInput(asBody(req.body), true);
      return reply.code(201).send(partView(await createItem(req.ctx!, input as ItemInput & { shortID: string })));
    },
  });

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/api/part/:pk/',
      config: part('change'),
      schema: {
        tags,
        summary: method === 'PUT' ? 'InvenTree: replace a part (fields left out return to their defaults)' : 'InvenTree: update some fields of a part',
        params: PkParams,
        body: PartWrite,
        response: { 200: PartSchema, ...errorResponses },
      },
      handler: async (req) => {
        const id = pathPk(req.params.pk, 'Part');
        const input = partInput(asBody(req.body), method === 'PUT');
        return partView(await updateItem(req.ctx!, id, input, method === 'PUT'));
      },
    });
  }

  app.route({
    method: 'DELETE',
    url: '/api/part/:pk/',
    config: part('delete'),
    schema: {
      tags,
      summary: 'InvenTree: delete a part (refused while it has stock or orders)',
      params: PkParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await deleteItem(req.ctx!, pathPk(req.params.pk, 'Part'));
      return reply.code(204).send(null);
    },
  });
};
