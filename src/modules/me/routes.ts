import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACTIONS, RULESETS } from '../../access/permissions.js';
import { exactJsonContentType } from '../../http/content-type.js';
import { INVENTREE_ROLES, myScopes, roles, whoAmI } from './service.js';

const Ref = Type.Object({ id: Type.Integer(), name: Type.String() });

export const UserViewSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String(),
  account: Ref,
  superuser: Type.Boolean(),
  readOnly: Type.Boolean(),
  kind: Type.String({ enum: ['human', 'integration'] }),
  groups: Type.Array(Ref),
  warehouses: Type.Union([Type.Array(Type.Integer()), Type.Null()], { description: 'Permitted warehouse ids; null means every warehouse.' }),
});

const MeSchema = Type.Composite([
  UserViewSchema,
  Type.Object({
    pk: Type.Integer({ description: 'InvenTree: the user id.' }),
    first_name: Type.String(),
    last_name: Type.String(),
    is_staff: Type.Boolean({ description: 'InvenTree: a superuser, or may change users.' }),
    is_superuser: Type.Boolean(),
    is_active: Type.Boolean(),
    credential: Type.Object({ kind: Type.String(), id: Type.Union([Type.Integer(), Type.Null()]) }),
    scopes: Type.Optional(Type.Array(Type.String(), { description: 'Present for scoped (OAuth) credentials.' })),
    clientId: Type.Optional(Type.String()),
  }),
]);

const ActionList = Type.Array(Type.String({ enum: [...ACTIONS] }));
const RolesSchema = Type.Object({
  user: Type.Integer({ description: 'The user id (InvenTree).' }),
  username: Type.String(),
  roles: Type.Object(Object.fromEntries(Object.keys(INVENTREE_ROLES).map((role) => [role, Type.Union([ActionList, Type.Null()])])), {
    description: "InvenTree's rulesets: the actions granted, or null.",
  }),
  permissions: Type.Record(Type.String(), ActionList, {
    description: 'Per model (InvenTree names: part, partcategory, stockitem, stocklocation, salesorder, company, …): the actions.',
  }),
  is_staff: Type.Boolean(),
  is_superuser: Type.Boolean(),
  read_only: Type.Boolean(),
  rulesets: Type.Object(Object.fromEntries(RULESETS.map((rs) => [rs, ActionList])), { description: "Quartermaster's rulesets and their effective actions." }),
});

const tags = ['User'];

/** Who am I: seed 000's /api/user/me/ and /api/user/roles/ (seed 004's get_logged_user is in the Frappe dialect). */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/user/me/',
    config: { access: 'authenticated' },
    // InvenTree's python client reads this first and wants exactly application/json.
    onSend: exactJsonContentType,
    schema: { tags, summary: 'The calling user and credential', response: { 200: MeSchema } },
    handler: (req) => whoAmI(req.ctx!),
  });

  app.route({
    method: 'GET',
    url: '/api/user/roles/',
    config: { access: 'authenticated' },
    onSend: exactJsonContentType,
    schema: {
      tags,
      summary: "The caller's effective roles",
      description: 'Rights as this request may use them: role permissions ∩ credential scope, view-only for read-only users.',
      response: { 200: RolesSchema },
    },
    handler: (req) => roles(req.ctx!),
  });

  app.route({
    method: 'GET',
    url: '/api/user/scopes/',
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: 'The canonical scopes the caller may put on a token, described in words',
      description: 'From the effective rights (role permissions ∩ credential scope, view-only for read-only users), plus the OpenID Connect scopes.',
      response: { 200: Type.Array(Type.Object({ scope: Type.String(), description: Type.String() })) },
    },
    handler: async (req) => myScopes(req.ctx!),
  });
};
