import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listOf, listQuery } from '../../http/list/engine.js';
import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from './service.js';

const Nullable = (s: ReturnType<typeof Type.String>) => Type.Union([s, Type.Null()]);
const CustomerSchema = Type.Object({
  customerID: Type.Integer(),
  name: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  active: Type.Boolean(),
  created: Type.String(),
  updated: Type.String(),
});
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  email: Nullable(Type.String({ format: 'email', maxLength: 254 })),
  phone: Nullable(Type.String({ maxLength: 50 })),
  address: Nullable(Type.String({ maxLength: 1000 })),
  active: Type.Boolean(),
};
const { name, ...rest } = Fields;
const Create = Type.Composite([Type.Object({ name }), Type.Partial(Type.Object(rest))], { additionalProperties: false });
const Patch = Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 });
const Id = Type.Object({ customerID: Type.Integer({ minimum: 1 }) });
const tags = ['Customer'];

export const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/Customer',
    config: { access: { ruleset: 'customer', action: 'view' } },
    schema: {
      tags,
      summary: 'List customers',
      querystring: Type.Object(
        { ...listQuery, active: Type.Optional(Type.Boolean()), q: Type.Optional(Type.String({ minLength: 1 })) },
        { additionalProperties: false },
      ),
      response: { 200: listOf(CustomerSchema) },
    },
    handler: (req) => listCustomers(req.ctx!, req.query),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Customer/:customerID',
    config: { access: { ruleset: 'customer', action: 'view' } },
    schema: { tags, summary: 'Get a customer', params: Id, response: { 200: CustomerSchema } },
    handler: (req) => getCustomer(req.ctx!, req.params.customerID),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/Customer',
    config: { access: { ruleset: 'customer', action: 'add' } },
    schema: { tags, summary: 'Create a customer', body: Create, response: { 201: CustomerSchema } },
    handler: async (req, reply) => reply.code(201).send(await createCustomer(req.ctx!, req.body)),
  });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/Customer/:customerID',
      config: { access: { ruleset: 'customer', action: 'change' } },
      schema: { tags, summary: 'Update a customer', params: Id, body: Patch, response: { 200: CustomerSchema } },
      handler: (req) => updateCustomer(req.ctx!, req.params.customerID, req.body),
    });
  }
  app.route({
    method: 'DELETE',
    url: '/api/v1/Customer/:customerID',
    config: { access: { ruleset: 'customer', action: 'delete' } },
    schema: { tags, summary: 'Delete a customer (409 while it has orders)', params: Id, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      await deleteCustomer(req.ctx!, req.params.customerID);
      return reply.code(204).send(null);
    },
  });
};
