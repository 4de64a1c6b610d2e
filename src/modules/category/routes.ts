import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listOf, listQuery } from '../../http/list/engine.js';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from './service.js';

const CategorySchema = Type.Object({
  categoryID: Type.Integer(),
  name: Type.String(),
  parentID: Type.Union([Type.Integer(), Type.Null()]),
  created: Type.String(),
  updated: Type.String(),
});
const Fields = { name: Type.String({ minLength: 1, maxLength: 200 }), parentID: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]) };
const Create = Type.Object({ name: Fields.name, parentID: Type.Optional(Fields.parentID) }, { additionalProperties: false });
const Patch = Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 });
const Id = Type.Object({ categoryID: Type.Integer({ minimum: 1 }) });
const tags = ['Category'];

export const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/Category',
    config: { access: { ruleset: 'category', action: 'view' } },
    schema: {
      tags,
      summary: 'List categories',
      querystring: Type.Object(
        { ...listQuery, parentID: Type.Optional(Type.Integer({ minimum: 1 })), q: Type.Optional(Type.String({ minLength: 1 })) },
        { additionalProperties: false },
      ),
      response: { 200: listOf(CategorySchema) },
    },
    handler: (req) => listCategories(req.ctx!, req.query),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Category/:categoryID',
    config: { access: { ruleset: 'category', action: 'view' } },
    schema: { tags, summary: 'Get a category', params: Id, response: { 200: CategorySchema } },
    handler: (req) => getCategory(req.ctx!, req.params.categoryID),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/Category',
    config: { access: { ruleset: 'category', action: 'add' } },
    schema: { tags, summary: 'Create a category', body: Create, response: { 201: CategorySchema } },
    handler: async (req, reply) => reply.code(201).send(await createCategory(req.ctx!, req.body)),
  });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/Category/:categoryID',
      config: { access: { ruleset: 'category', action: 'change' } },
      schema: { tags, summary: 'Update a category', params: Id, body: Patch, response: { 200: CategorySchema } },
      handler: (req) => updateCategory(req.ctx!, req.params.categoryID, req.body),
    });
  }
  app.route({
    method: 'DELETE',
    url: '/api/v1/Category/:categoryID',
    config: { access: { ruleset: 'category', action: 'delete' } },
    schema: { tags, summary: 'Delete a category (409 while it has subcategories or items)', params: Id, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      await deleteCategory(req.ctx!, req.params.categoryID);
      return reply.code(204).send(null);
    },
  });
};
