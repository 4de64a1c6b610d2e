import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { crudRoutes } from '../../http/crud.js';
import { createBin, createWarehouse, deleteBin, deleteWarehouse, getWarehouse, listBins, listWarehouses, updateWarehouse } from './service.js';

const WarehouseSchema = Type.Object({
  wID: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  created: Type.String(),
  updated: Type.String(),
});
const BinSchema = Type.Object({ binID: Type.Integer(), wID: Type.Integer(), spot: Type.String(), description: Type.String() });
const Fields = {
  code: Type.String({ minLength: 1, maxLength: 32 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  address: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
  active: Type.Boolean(),
};
export const Create = Type.Object(
  { code: Fields.code, name: Fields.name, address: Type.Optional(Fields.address), active: Type.Optional(Fields.active) },
  { additionalProperties: false },
);
export const Patch = Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 });
const Wid = Type.Object({ wid: Type.Integer({ minimum: 1 }) });
export const WarehouseFilters = Type.Object({
  code: Type.Optional(Type.String()),
  active: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ minLength: 1 })),
});
const tags = ['Warehouse'];
const view = { access: { ruleset: 'warehouse', action: 'view' } } as const;

export const warehouseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  crudRoutes(app, {
    path: '/api/v1/Warehouse',
    tags,
    item: WarehouseSchema,
    filters: WarehouseFilters.properties,
    id: Wid,
    create: Create,
    patch: Patch,
    list: { access: view.access, summary: 'List the warehouses you may use', run: listWarehouses },
    get: { access: view.access, summary: 'Get a warehouse', run: getWarehouse },
    add: { access: { ruleset: 'warehouse', action: 'add' }, summary: 'Create a warehouse', run: createWarehouse },
    change: { access: { ruleset: 'warehouse', action: 'change' }, summary: 'Update a warehouse', run: updateWarehouse },
    remove: { access: { ruleset: 'warehouse', action: 'delete' }, summary: 'Delete a warehouse (409 while it has stock or orders)', run: deleteWarehouse },
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Warehouse/:wid/Bin',
    config: view,
    schema: { tags, summary: "List a warehouse's bins", params: Wid, response: { 200: Type.Array(BinSchema) } },
    handler: (req) => listBins(req.ctx!, req.params.wid),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/Warehouse/:wid/Bin',
    config: { access: { ruleset: 'warehouse', action: 'change' } },
    schema: {
      tags,
      summary: 'Add a bin',
      params: Wid,
      body: Type.Object(
        { spot: Type.String({ minLength: 1, maxLength: 64 }), description: Type.Optional(Type.String({ maxLength: 500 })) },
        { additionalProperties: false },
      ),
      response: { 201: BinSchema },
    },
    handler: async (req, reply) => reply.code(201).send(await createBin(req.ctx!, req.params.wid, req.body)),
  });
  app.route({
    method: 'DELETE',
    url: '/api/v1/Warehouse/:wid/Bin/:binID',
    config: { access: { ruleset: 'warehouse', action: 'change' } },
    schema: {
      tags,
      summary: 'Remove a bin',
      params: Type.Object({ wid: Type.Integer({ minimum: 1 }), binID: Type.Integer({ minimum: 1 }) }),
      response: { 204: Type.Null() },
    },
    handler: async (req, reply) => {
      await deleteBin(req.ctx!, req.params.wid, req.params.binID);
      return reply.code(204).send(null);
    },
  });
};
