import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { crudRoutes } from '../../http/crud.js';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from './service.js';

const CategorySchema = Type.Object({
  categoryID: Type.Integer(),
  name: Type.String(),
  parentID: Type.Union([Type.Integer(), Type.Null()]),
  created: Type.String(),
  updated: Type.String(),
});
const Fields = { name: Type.String({ minLength: 1, maxLength: 200 }), parentID: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]) };
export const Create = Type.Object({ name: Fields.name, parentID: Type.Optional(Fields.parentID) }, { additionalProperties: false });
export const Patch = Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 });
const Id = Type.Object({ categoryID: Type.Integer({ minimum: 1 }) });
export const CategoryFilters = Type.Object({ parentID: Type.Optional(Type.Integer({ minimum: 1 })), q: Type.Optional(Type.String({ minLength: 1 })) });
const tags = ['Category'];

export const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  crudRoutes(app, {
    path: '/api/v1/Category',
    tags,
    item: CategorySchema,
    filters: CategoryFilters.properties,
    id: Id,
    create: Create,
    patch: Patch,
    list: { access: { ruleset: 'category', action: 'view' }, summary: 'List categories', run: listCategories },
    get: { access: { ruleset: 'category', action: 'view' }, summary: 'Get a category', run: getCategory },
    add: { access: { ruleset: 'category', action: 'add' }, summary: 'Create a category', run: createCategory },
    change: { access: { ruleset: 'category', action: 'change' }, summary: 'Update a category', run: updateCategory },
    remove: {
      access: { ruleset: 'category', action: 'delete' },
      summary: 'Delete a category (409 while it has subcategories or items)',
      run: deleteCategory,
    },
  });
};
