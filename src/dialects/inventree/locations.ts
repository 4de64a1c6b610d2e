import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RequestContext } from '../../auth/principal.js';
import { ApiError } from '../../http/errors.js';
import {
  createBin,
  createWarehouse,
  deleteBin,
  deleteWarehouse,
  getBin,
  getWarehouse,
  listBins,
  listWarehouses,
  updateWarehouse,
} from '../../modules/warehouse/service.js';
import { errorResponses } from './errors.js';
import { asBody, boolParam, has, loose, orderingParam, pathPk, pkField, pkParam, strField, textParam, type Query } from './input.js';
import { listResponse, memoryList, pagingQuery } from './paging.js';

/**
 * InvenTree's stock locations are one tree; ours are warehouses with bins. The mapping:
 * - a top-level location is a warehouse, a child location is a bin of that warehouse (two levels, no deeper);
 * - both share InvenTree's one pk space: warehouse w is location 2w−1 (odd), bin b is location 2b (even).
 * A stock item sits in the bin its lot names (`spot`), or in the warehouse itself when the lot has no bin.
 */
export const warehousePk = (wid: number) => 2 * wid - 1;
export const binPk = (binId: number) => 2 * binId;

export type LocationRef = { kind: 'warehouse'; wid: number } | { kind: 'bin'; binId: number };

export function decodeLocation(pk: number): LocationRef {
  return pk % 2 === 1 ? { kind: 'warehouse', wid: (pk + 1) / 2 } : { kind: 'bin', binId: pk / 2 };
}

/** Where a location puts stock: a warehouse and a bin code ('' for the warehouse itself). 404/403 as the services say. */
export async function resolveLocation(ctx: RequestContext, pk: number): Promise<{ wid: number; spot: string; kind: LocationRef['kind'] }> {
  const ref = decodeLocation(pk);
  if (ref.kind === 'warehouse') {
    await getWarehouse(ctx, ref.wid);
    return { wid: ref.wid, spot: '', kind: 'warehouse' };
  }
  const bin = await getBin(ctx, ref.binId);
  return { wid: bin.wID, spot: bin.spot, kind: 'bin' };
}

/** Bin codes → bin ids per warehouse, looked up once per request (a stock item's location). */
export class BinIndex {
  private readonly byWarehouse = new Map<number, Map<string, number>>();
  constructor(private readonly ctx: RequestContext) {}

  async locationOf(wid: number, spot: string): Promise<number> {
    if (!spot) return warehousePk(wid);
    let bins = this.byWarehouse.get(wid);
    if (!bins) {
      bins = new Map((await listBins(this.ctx, wid)).map((b) => [b.spot, b.binID]));
      this.byWarehouse.set(wid, bins);
    }
    const id = bins.get(spot);
    return id === undefined ? warehousePk(wid) : binPk(id);
  }
}

const tags = ['InvenTree'];
export const LocationSchema = Type.Object({
  pk: Type.Integer({ description: 'Odd: a warehouse (2·wID−1); even: a bin (2·binID).' }),
  name: Type.String(),
  description: Type.String(),
  parent: Type.Union([Type.Integer(), Type.Null()]),
  pathstring: Type.String(),
  level: Type.Integer(),
  sublocations: Type.Integer(),
  structural: Type.Boolean(),
  external: Type.Boolean(),
  icon: Type.String(),
});
const LocationWrite = Type.Object(
  {
    name: Type.Optional(loose(['string', 'number'])),
    description: Type.Optional(loose(['string', 'null'])),
    parent: Type.Optional(loose(['integer', 'string', 'null'], 'Parent location pk (a warehouse), or null for a new warehouse.')),
  },
  { additionalProperties: true, description: 'No parent: a new warehouse (its code is the name, at most 32 characters). A warehouse as parent: a new bin.' },
);
const PkParams = Type.Object({ pk: Type.String() });

type Warehouse = Awaited<ReturnType<typeof getWarehouse>>;
type Bin = Awaited<ReturnType<typeof getBin>>;
interface Location {
  pk: number;
  name: string;
  description: string;
  parent: number | null;
  pathstring: string;
  level: number;
  sublocations: number;
  structural: boolean;
  external: boolean;
  icon: string;
}

function warehouseView(w: Warehouse, bins: number): Location {
  return {
    pk: warehousePk(w.wID),
    name: w.name,
    description: w.address ?? '',
    parent: null,
    pathstring: w.name,
    level: 0,
    sublocations: bins,
    structural: false,
    external: false,
    icon: '',
  };
}

function binView(b: Bin, w: Warehouse): Location {
  return {
    pk: binPk(b.binID),
    name: b.spot,
    description: b.description,
    parent: warehousePk(w.wID),
    pathstring: `${w.name}/${b.spot}`,
    level: 1,
    sublocations: 0,
    structural: false,
    external: false,
    icon: '',
  };
}

/** The caller's whole location tree, in tree order (each warehouse followed by its bins). */
async function locationTree(ctx: RequestContext): Promise<Location[]> {
  const out: Location[] = [];
  for (let page = 1; ; page++) {
    const p = await listWarehouses(ctx, { page, pageSize: 500, sort: 'name' });
    for (const w of p.value) {
      const bins = await listBins(ctx, w.wID);
      out.push(warehouseView(w, bins.length), ...bins.map((b) => binView(b, w)));
    }
    if (!p.hasMore || out.length > 20_000) return out;
  }
}

async function locationView(ctx: RequestContext, pk: number): Promise<Location> {
  const ref = decodeLocation(pk);
  if (ref.kind === 'warehouse') {
    const w = await getWarehouse(ctx, ref.wid);
    return warehouseView(w, (await listBins(ctx, w.wID)).length);
  }
  const b = await getBin(ctx, ref.binId);
  return binView(b, await getWarehouse(ctx, b.wID));
}

function notNested(parent: number | null | undefined): asserts parent is number {
  if (parent !== null && parent !== undefined && decodeLocation(parent).kind === 'bin') {
    throw ApiError.validation({ parent: ['Locations nest two levels deep here: a warehouse and its bins. Choose a top-level location as parent.'] });
  }
}

export const inventreeLocationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const access = (action: 'view' | 'add' | 'change' | 'delete') => ({
    access: { ruleset: 'warehouse', action } as const,
    inventreeFields: { code: 'name', spot: 'name', address: 'description', wID: 'parent' },
  });

  app.route({
    method: 'GET',
    url: '/api/stock/location/',
    config: access('view'),
    schema: {
      tags,
      summary: 'InvenTree: list stock locations (warehouses and their bins)',
      description:
        'Filters: `parent` (its bins), `cascade=false` without `parent` (warehouses only), `search` (name, description, path), `ordering` (name, pathstring, pk).',
      querystring: Type.Object(
        {
          ...pagingQuery,
          parent: Type.Optional(Type.String()),
          cascade: Type.Optional(Type.String()),
          search: Type.Optional(Type.String()),
          ordering: Type.Optional(Type.String()),
        },
        { additionalProperties: true },
      ),
      response: { 200: listResponse(LocationSchema), ...errorResponses },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      const q = req.query as Query;
      const parent = pkParam(q, 'parent');
      let all: Location[];
      if (parent !== undefined) {
        const ref = decodeLocation(parent);
        if (ref.kind === 'bin') {
          await getBin(ctx, ref.binId);
          all = [];
        } else {
          const w = await getWarehouse(ctx, ref.wid);
          all = (await listBins(ctx, w.wID)).map((b) => binView(b, w));
        }
      } else {
        all = await locationTree(ctx);
        if (q.cascade !== undefined && !boolParam(q, 'cascade', true)) all = all.filter((l) => l.parent === null);
      }
      const search = textParam(q, 'search')?.toLowerCase();
      if (search) all = all.filter((l) => [l.name, l.description, l.pathstring].some((s) => s.toLowerCase().includes(search)));
      const ordering = orderingParam(q, { name: 'name', pathstring: 'pathstring', pk: 'pk', id: 'pk', level: 'level' });
      if (ordering) {
        const fields = ordering.split(',');
        all = [...all].sort((a, b) => {
          for (const f of fields) {
            const desc = f.startsWith('-');
            const k = f.replace(/^-/, '') as 'name' | 'pathstring' | 'pk' | 'level';
            const c = typeof a[k] === 'number' ? a[k] - (b[k] as number) : String(a[k]).localeCompare(String(b[k]));
            if (c) return desc ? -c : c;
          }
          return 0;
        });
      }
      return memoryList(req, all);
    },
  });

  app.route({
    method: 'GET',
    url: '/api/stock/location/:pk/',
    config: access('view'),
    schema: { tags, summary: 'InvenTree: one stock location', params: PkParams, response: { 200: LocationSchema, ...errorResponses } },
    handler: async (req) => locationView(req.ctx!, pathPk(req.params.pk, 'StockLocation')),
  });

  app.route({
    method: 'POST',
    url: '/api/stock/location/',
    config: access('add'),
    schema: {
      tags,
      summary: 'InvenTree: create a stock location (a warehouse, or a bin under one)',
      body: LocationWrite,
      response: { 201: LocationSchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const body = asBody(req.body);
      const parent = pkField(body, 'parent', { nullable: true });
      const description = strField(body, 'description', { max: 500, allowBlank: true });
      if (parent === null || parent === undefined) {
        const name = strField(body, 'name', { required: true, max: 32 })!;
        const w = await createWarehouse(ctx, { code: name, name, address: description || null });
        return reply.code(201).send(warehouseView(w, 0));
      }
      notNested(parent);
      const name = strField(body, 'name', { required: true, max: 64 })!;
      const { wid } = await resolveLocation(ctx, parent).catch((err: unknown) => {
        if (err instanceof ApiError && err.key === 'not_found') throw ApiError.validation({ parent: ['Invalid pk - object does not exist.'] });
        throw err;
      });
      const b = await createBin(ctx, wid, { spot: name, description: description ?? '' });
      return reply.code(201).send(binView(b, await getWarehouse(ctx, wid)));
    },
  });

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/api/stock/location/:pk/',
      config: access('change'),
      schema: {
        tags,
        summary: 'InvenTree: update a stock location',
        description: "A warehouse's name and description (address) can change; a bin keeps its name (stock names its bin by it) and its parent.",
        params: PkParams,
        body: LocationWrite,
        response: { 200: LocationSchema, ...errorResponses },
      },
      handler: async (req) => {
        const ctx = req.ctx!;
        const pk = pathPk(req.params.pk, 'StockLocation');
        const body = asBody(req.body);
        const current = await locationView(ctx, pk);
        const parent = pkField(body, 'parent', { nullable: true });
        if (parent !== undefined && parent !== current.parent) throw ApiError.validation({ parent: ['A location cannot move to another parent here.'] });
        const name = strField(body, 'name', { max: current.level === 0 ? 200 : 64 });
        const description = has(body, 'description') ? (strField(body, 'description', { max: 1000, allowBlank: true }) ?? '') : undefined;
        const ref = decodeLocation(pk);
        if (ref.kind === 'bin') {
          if ((name !== undefined && name !== current.name) || (description !== undefined && description !== current.description)) {
            throw ApiError.validation({ name: ['A bin keeps its name and description: create a new bin and transfer the stock.'] });
          }
          return current;
        }
        if (name === undefined && description === undefined) return current;
        await updateWarehouse(ctx, ref.wid, {
          ...(name !== undefined ? { name } : {}),
          ...(description !== undefined ? { address: description || null } : {}),
        });
        return locationView(ctx, pk);
      },
    });
  }

  app.route({
    method: 'DELETE',
    url: '/api/stock/location/:pk/',
    config: access('delete'),
    schema: {
      tags,
      summary: 'InvenTree: delete a stock location (a warehouse is refused while it has stock or orders)',
      params: PkParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const ref = decodeLocation(pathPk(req.params.pk, 'StockLocation'));
      if (ref.kind === 'warehouse') await deleteWarehouse(ctx, ref.wid);
      else {
        const b = await getBin(ctx, ref.binId);
        await deleteBin(ctx, b.wID, b.binID);
      }
      return reply.code(204).send(null);
    },
  });
};
