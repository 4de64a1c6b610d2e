import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DecimalInput } from '../inventory/decimal.js';
import { listOf, listQuery } from '../../http/list/engine.js';
import { createItem, deleteItem, getItem, listItems, updateItem } from './service.js';

const DateParam = Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })]);

export const ItemSchema = Type.Object({
  partNo: Type.Integer({ description: 'The item id.' }),
  shortID: Type.String({ description: 'SKU, unique in the account.' }),
  description: Type.String(),
  unit: Type.String(),
  categoryID: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
  cost: Type.Union([Type.String(), Type.Null()]),
  price: Type.Union([Type.String(), Type.Null()]),
  reorderPoint: Type.Union([Type.String(), Type.Null()]),
  created: Type.String({ format: 'date-time' }),
  updated: Type.String({ format: 'date-time' }),
});

const ItemFields = {
  shortID: Type.String({ minLength: 1, maxLength: 64 }),
  description: Type.String({ maxLength: 2000 }),
  unit: Type.String({ minLength: 1, maxLength: 32 }),
  categoryID: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  active: Type.Boolean(),
  cost: Type.Union([DecimalInput, Type.Null()]),
  price: Type.Union([DecimalInput, Type.Null()]),
  reorderPoint: Type.Union([DecimalInput, Type.Null()]),
};
const { shortID, ...optionalFields } = ItemFields;
export const ItemCreate = Type.Composite([Type.Object({ shortID }), Type.Partial(Type.Object(optionalFields))], { additionalProperties: false });
export const ItemPatch = Type.Partial(Type.Object(ItemFields), { additionalProperties: false, minProperties: 1 });
const PartNo = Type.Object({ partNo: Type.Integer({ minimum: 1 }) });
/** The item list's query: the engine's paging, sort and cursor, and the filters. */
export const ItemQuery = Type.Object(
  {
    ...listQuery,
    shortID: Type.Optional(Type.String()),
    categoryID: Type.Optional(Type.Integer({ minimum: 1 })),
    active: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    updatedFrom: Type.Optional(DateParam),
    updatedTo: Type.Optional(DateParam),
  },
  { additionalProperties: false },
);
const tags = ['Item'];

export const itemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/Item',
    config: { access: { ruleset: 'item', action: 'view' } },
    schema: {
      tags,
      summary: 'List items',
      description: 'Filters: shortID, categoryID, active, q (text in shortID/description), updatedFrom/updatedTo. Sort: partNo, shortID, description, updated.',
      querystring: ItemQuery,
      response: { 200: listOf(ItemSchema) },
    },
    handler: (req) => listItems(req.ctx!, req.query),
  });

  app.route({
    method: 'GET',
    url: '/api/v1/Item/:partNo',
    config: { access: { ruleset: 'item', action: 'view' } },
    schema: { tags, summary: 'Get an item', params: PartNo, response: { 200: ItemSchema } },
    handler: (req) => getItem(req.ctx!, req.params.partNo),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/Item',
    config: { access: { ruleset: 'item', action: 'add' } },
    schema: { tags, summary: 'Create an item', body: ItemCreate, response: { 201: ItemSchema } },
    handler: async (req, reply) => reply.code(201).send(await createItem(req.ctx!, req.body)),
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/Item/:partNo',
    config: { access: { ruleset: 'item', action: 'change' } },
    schema: { tags, summary: 'Replace an item', params: PartNo, body: ItemCreate, response: { 200: ItemSchema } },
    handler: (req) => updateItem(req.ctx!, req.params.partNo, req.body, true),
  });

  app.route({
    method: 'PATCH',
    url: '/api/v1/Item/:partNo',
    config: { access: { ruleset: 'item', action: 'change' } },
    schema: { tags, summary: 'Update some fields of an item', params: PartNo, body: ItemPatch, response: { 200: ItemSchema } },
    handler: (req) => updateItem(req.ctx!, req.params.partNo, req.body),
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/Item/:partNo',
    config: { access: { ruleset: 'item', action: 'delete' } },
    schema: {
      tags,
      summary: 'Delete an item (refused with 409 while it has stock or orders; deactivate instead)',
      params: PartNo,
      response: { 204: Type.Null() },
    },
    handler: async (req, reply) => {
      await deleteItem(req.ctx!, req.params.partNo);
      return reply.code(204).send(null);
    },
  });
};
