import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { crudRoutes } from '../../http/crud.js';
import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from './service.js';

const Nullable = (s: ReturnType<typeof Type.String>) => Type.Union([s, Type.Null()]);
export const CustomerSchema = Type.Object({
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
export const Create = Type.Composite([Type.Object({ name }), Type.Partial(Type.Object(rest))], { additionalProperties: false });
export const Patch = Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 });
const Id = Type.Object({ customerID: Type.Integer({ minimum: 1 }) });
export const CustomerFilters = Type.Object({ active: Type.Optional(Type.Boolean()), q: Type.Optional(Type.String({ minLength: 1 })) });
const tags = ['Customer'];

export const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  crudRoutes(app, {
    path: '/api/v1/Customer',
    tags,
    item: CustomerSchema,
    filters: CustomerFilters.properties,
    id: Id,
    create: Create,
    patch: Patch,
    list: { access: { ruleset: 'customer', action: 'view' }, summary: 'List customers', run: listCustomers },
    get: { access: { ruleset: 'customer', action: 'view' }, summary: 'Get a customer', run: getCustomer },
    add: { access: { ruleset: 'customer', action: 'add' }, summary: 'Create a customer', run: createCustomer },
    change: { access: { ruleset: 'customer', action: 'change' }, summary: 'Update a customer', run: updateCustomer },
    remove: { access: { ruleset: 'customer', action: 'delete' }, summary: 'Delete a customer (409 while it has orders)', run: deleteCustomer },
  });
};
