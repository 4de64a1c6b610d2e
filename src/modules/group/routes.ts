import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACTIONS, REPORT_NAMES, RULESETS } from '../../access/permissions.js';
import { listOf, listQuery } from '../../http/list/engine.js';
import { createGroup, deleteGroup, getGroup, listGroups, updateGroup } from './service.js';

const Permissions = Type.Record(Type.String(), Type.Array(Type.String(), { maxItems: 10 }), {
  description: `Ruleset → actions, e.g. {"item": ["view", "change"]}. Rulesets: ${RULESETS.join(', ')}. Actions: ${ACTIONS.join(', ')}.`,
});
const Reports = Type.Array(Type.String(), { maxItems: 20, description: `Report names: ${REPORT_NAMES.join(', ')}.` });

export const GroupSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  builtin: Type.Union([Type.String(), Type.Null()], { description: 'owner, manager, staff or read-only for the built-in groups (which cannot be deleted).' }),
  permissions: Type.Record(Type.String(), Type.Array(Type.String())),
  reports: Type.Array(Type.String()),
  members: Type.Integer(),
  created: Type.String({ format: 'date-time' }),
});

const Name = Type.String({ minLength: 1, maxLength: 150 });
export const GroupCreate = Type.Object(
  { name: Name, permissions: Type.Optional(Permissions), reports: Type.Optional(Reports) },
  { additionalProperties: false },
);
export const GroupPatch = Type.Partial(Type.Object({ name: Name, permissions: Permissions, reports: Reports }), {
  additionalProperties: false,
  minProperties: 1,
});
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const tags = ['Group'];

export const groupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/Group',
    config: { access: { ruleset: 'user', action: 'view' } },
    schema: {
      tags,
      summary: 'List permission groups',
      description: 'Sort: id (default) or name, a leading - reverses; `after` (the cursor in `next`) pages on from a previous page.',
      querystring: Type.Object(listQuery, { additionalProperties: false }),
      response: { 200: listOf(GroupSchema) },
    },
    handler: (req) => listGroups(req.ctx!, req.query),
  });

  app.route({
    method: 'GET',
    url: '/api/v1/Group/:id',
    config: { access: { ruleset: 'user', action: 'view' } },
    schema: { tags, summary: 'Get a permission group', params: Id, response: { 200: GroupSchema } },
    handler: (req) => getGroup(req.ctx!, req.params.id),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/Group',
    config: { access: { ruleset: 'user', action: 'add' } },
    schema: { tags, summary: 'Create a permission group', body: GroupCreate, response: { 201: GroupSchema } },
    handler: async (req, reply) => reply.code(201).send(await createGroup(req.ctx!, req.body)),
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/Group/:id',
      config: { access: { ruleset: 'user', action: 'change' } },
      schema: {
        tags,
        summary: 'Update a permission group',
        description: "Members' new rights apply from their next request.",
        params: Id,
        body: GroupPatch,
        response: { 200: GroupSchema },
      },
      handler: (req) => updateGroup(req.ctx!, { id: req.params.id, changes: req.body }),
    });
  }

  app.route({
    method: 'DELETE',
    url: '/api/v1/Group/:id',
    config: { access: { ruleset: 'user', action: 'delete' } },
    schema: { tags, summary: 'Delete a permission group (not a built-in one)', params: Id, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      await deleteGroup(req.ctx!, req.params.id);
      return reply.code(204).send(null);
    },
  });
};
