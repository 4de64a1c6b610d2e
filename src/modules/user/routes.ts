import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PASSWORD_MIN_LENGTH, PIN_PATTERN } from '../../auth/passwords.js';
import { listOf, listQuery } from '../../http/list/engine.js';
import {
  changeOwnPassword,
  createUser,
  deleteUser,
  getUser,
  listUsers,
  setActive,
  setGroups,
  setPassword,
  setPin,
  setWarehouses,
  updateUser,
} from './service.js';

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String(),
  kind: Type.Union([Type.Literal('human'), Type.Literal('integration')], { description: "'integration': the user an OAuth client_credentials app acts as." }),
  active: Type.Boolean(),
  readOnly: Type.Boolean(),
  superuser: Type.Boolean(),
  hasPassword: Type.Boolean(),
  hasPin: Type.Boolean(),
  groups: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  warehouseIds: Type.Array(Type.Integer(), { description: 'Permitted warehouses; empty means every warehouse of the account.' }),
  created: Type.String({ format: 'date-time' }),
  updated: Type.String({ format: 'date-time' }),
  lastLogin: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const Password = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 1024, description: `At least ${PASSWORD_MIN_LENGTH} characters.` });
const Pin = Type.String({ pattern: PIN_PATTERN.source, description: '4 to 8 digits.' });
const Ids = (description: string) => Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000, description });
const GroupIds = Ids('Permission groups of the same account.');
const WarehouseIds = Ids('Warehouses of the same account; empty = all warehouses.');

const UserFields = {
  username: Type.String({ pattern: '^[\\w.@+-]{1,150}$', description: 'Letters, digits and . @ + - _ (1-150).' }),
  email: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254 }),
  password: Password,
  pin: Pin,
  readOnly: Type.Boolean(),
  active: Type.Boolean(),
  superuser: Type.Boolean({ description: 'Only a superuser may set this.' }),
  groupIds: GroupIds,
  warehouseIds: WarehouseIds,
};
const { username, email, ...optionalFields } = UserFields;
export const UserCreate = Type.Composite([Type.Object({ username, email }), Type.Partial(Type.Object(optionalFields))], { additionalProperties: false });
const CurrentPassword = Type.String({ maxLength: 1024, description: 'Your current password: required when you change your own password.' });
export const UserPatch = Type.Partial(Type.Object({ ...UserFields, current_password: CurrentPassword }), { additionalProperties: false, minProperties: 1 });
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
/** The users list's filters, beside the list engine's paging, sort and cursor. */
export const UserFilters = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the username or email.' })),
  active: Type.Optional(Type.Boolean()),
  readOnly: Type.Optional(Type.Boolean()),
  kind: Type.Optional(Type.Union([Type.Literal('human'), Type.Literal('integration')])),
});
const tags = ['User'];
const view = { ruleset: 'user', action: 'view' } as const;
const change = { ruleset: 'user', action: 'change' } as const;

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/User',
    config: { access: view },
    schema: {
      tags,
      summary: 'List users',
      description: 'Filters: q (part of the username or email), active, readOnly, kind. Sort: id (default), username, email, created.',
      querystring: Type.Object({ ...listQuery, ...UserFilters.properties }, { additionalProperties: false }),
      response: { 200: listOf(UserSchema) },
    },
    // The list engine checks `sort` against the user list's fields (a 400 naming an unknown one).
    handler: (req) => listUsers(req.ctx!, req.query),
  });

  app.route({
    method: 'GET',
    url: '/api/v1/User/:id',
    config: { access: view },
    schema: { tags, summary: 'Get a user', params: Id, response: { 200: UserSchema } },
    handler: (req) => getUser(req.ctx!, req.params.id),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/User',
    config: { access: { ruleset: 'user', action: 'add' } },
    schema: { tags, summary: 'Create a user', body: UserCreate, response: { 201: UserSchema } },
    handler: async (req, reply) => reply.code(201).send(await createUser(req.ctx!, req.body)),
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/User/:id',
      config: { access: change },
      schema: {
        tags,
        summary: 'Update a user',
        description:
          'You cannot make yourself read-only, remove your own superuser status or take away your own right to change users (409 conflict); changing your own password needs `current_password`.',
        params: Id,
        body: UserPatch,
        response: { 200: UserSchema },
      },
      handler: (req) => updateUser(req.ctx!, { id: req.params.id, changes: req.body }),
    });
  }

  app.route({
    method: 'DELETE',
    url: '/api/v1/User/:id',
    config: { access: { ruleset: 'user', action: 'delete' } },
    schema: { tags, summary: 'Delete a user (and every credential of it)', params: Id, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      await deleteUser(req.ctx!, req.params.id);
      return reply.code(204).send(null);
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/User/:id/password',
    config: { access: change },
    schema: {
      tags,
      summary: "Set a user's password",
      description:
        'Drops every cached credential of the user at once (Basic auth with the old password fails on the next request). On your own user, `current_password` is required.',
      params: Id,
      body: Type.Object({ password: Password, current_password: Type.Optional(CurrentPassword) }, { additionalProperties: false }),
      response: { 200: UserSchema },
    },
    handler: (req) => setPassword(req.ctx!, { id: req.params.id, password: req.body.password, current: req.body.current_password }),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/User/:id/pin',
    config: { access: change },
    schema: { tags, summary: "Set a user's PIN", params: Id, body: Type.Object({ pin: Pin }, { additionalProperties: false }), response: { 200: UserSchema } },
    handler: (req) => setPin(req.ctx!, { id: req.params.id, pin: req.body.pin }),
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/User/:id/pin',
    config: { access: change },
    schema: { tags, summary: "Remove a user's PIN", params: Id, response: { 200: UserSchema } },
    handler: (req) => setPin(req.ctx!, { id: req.params.id, pin: null }),
  });

  for (const [verb, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.route({
      method: 'POST',
      url: `/api/v1/User/:id/${verb}`,
      config: { access: change },
      schema: {
        tags,
        summary: active ? 'Enable a user' : 'Disable a user',
        description: active ? undefined : 'Every credential of the user (tokens, keys, sessions, OAuth tokens) is refused at once with user.disabled.',
        params: Id,
        response: { 200: UserSchema },
      },
      handler: (req) => setActive(req.ctx!, { id: req.params.id, active }),
    });
  }

  app.route({
    method: 'PUT',
    url: '/api/v1/User/:id/groups',
    config: { access: change },
    schema: {
      tags,
      summary: "Replace a user's permission groups",
      params: Id,
      body: Type.Object({ groupIds: GroupIds }, { additionalProperties: false }),
      response: { 200: UserSchema },
    },
    handler: (req) => setGroups(req.ctx!, { id: req.params.id, groupIds: req.body.groupIds }),
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/User/:id/warehouses',
    config: { access: change },
    schema: {
      tags,
      summary: "Replace a user's permitted warehouses",
      params: Id,
      body: Type.Object({ warehouseIds: WarehouseIds }, { additionalProperties: false }),
      response: { 200: UserSchema },
    },
    handler: (req) => setWarehouses(req.ctx!, { id: req.params.id, warehouseIds: req.body.warehouseIds }),
  });

  app.route({
    method: 'POST',
    url: '/api/user/password/',
    config: { access: 'self' },
    schema: {
      tags,
      summary: 'Change my password',
      body: Type.Object({ current_password: Type.String({ maxLength: 1024 }), new_password: Password }, { additionalProperties: false }),
      response: { 200: Type.Object({ detail: Type.String() }) },
    },
    handler: async (req) => {
      await changeOwnPassword(req.ctx!, { current: req.body.current_password, next: req.body.new_password });
      return { detail: 'Password changed. Sign in again with the new password.' };
    },
  });
};
