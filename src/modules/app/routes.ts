import type {} from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { escapeHtml } from '../../oauth/provider.js';
import {
  createApp,
  deleteApp,
  deleteManageableApp,
  getApp,
  listAppTokens,
  listApps,
  listManageableApps,
  revokeAppTokens,
  rotateSecret,
  createAppToken,
  setAppDisabled,
  updateApp,
  type appView,
} from './service.js';

const Iso = Type.String({ format: 'date-time' });
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
export const AppSchema = Type.Object({
  id: Type.Integer(),
  client_id: Type.String(),
  name: Type.String(),
  client_type: Type.Union([Type.Literal('confidential'), Type.Literal('public')]),
  redirect_uris: Type.Array(Type.String()),
  grant_types: Type.Array(Type.String()),
  scope: Type.String(),
  allow_password_grant: Type.Boolean(),
  disabled: Type.Boolean(),
  integration_user_id: NullableInt,
  access_token_ttl: NullableInt,
  refresh_token_ttl: NullableInt,
  created: Iso,
  secret_rotated: Type.Union([Iso, Type.Null()]),
});
const AppWithSecret = Type.Composite([
  AppSchema,
  Type.Object({
    client_secret: Type.Union([Type.String(), Type.Null()], { description: 'Shown once; null for a public client.' }),
    client_id_issued_at: Type.Integer(),
    client_secret_expires_at: Type.Integer(),
  }),
]);
const AppTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  scope: Type.String(),
  created: Iso,
  last_used: Type.Union([Iso, Type.Null()]),
  expires: Type.Union([Iso, Type.Null()]),
});
const IssuedAppToken = Type.Composite([
  AppTokenSchema,
  Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), refresh_token: Type.String() }),
]);
const Revoked = Type.Object({ revoked: Type.Integer() });
const tags = ['App'];
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const AppFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  redirect_uris: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 }),
  grant_types: Type.Array(Type.String(), { maxItems: 4 }),
  scope: Type.String({ maxLength: 4000 }),
  token_endpoint_auth_method: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post'), Type.Literal('none')]),
  allow_password_grant: Type.Boolean(),
  access_token_ttl: Type.Union([Type.Integer({ minimum: 60, maximum: 30 * 86400 }), Type.Null()]),
  refresh_token_ttl: Type.Union([Type.Integer({ minimum: 60, maximum: 365 * 86400 }), Type.Null()]),
};
const { name, ...optional } = AppFields;
export const AppCreate = Type.Composite([Type.Object({ name }), Type.Partial(Type.Object(optional))], { additionalProperties: false });
export const AppPatch = Type.Partial(Type.Object({ ...AppFields, disabled: Type.Boolean() }), { additionalProperties: false, minProperties: 1 });

/** Apps (OAuth clients) of the account, the token manager (seed 002), and the superusers' /o/applications/. */
export const appRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'POST',
    url: '/api/v1/App',
    config: { access: { ruleset: 'app', action: 'add' } },
    schema: {
      tags,
      summary: 'Create an app (OAuth client); answers client_id and client_secret (shown once)',
      body: AppCreate,
      response: { 201: AppWithSecret },
    },
    handler: async (req, reply) => reply.code(201).send(await createApp(req.ctx!, req.body)),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/App',
    config: { access: { ruleset: 'app', action: 'view' } },
    schema: { tags, summary: "List the account's apps", response: { 200: Type.Array(AppSchema) } },
    handler: async (req) => listApps(req.ctx!),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/App/:id',
    config: { access: { ruleset: 'app', action: 'view' } },
    schema: { tags, summary: 'Get an app', params: Id, response: { 200: AppSchema } },
    handler: async (req) => getApp(req.ctx!, req.params.id),
  });
  app.route({
    method: 'PATCH',
    url: '/api/v1/App/:id',
    config: { access: { ruleset: 'app', action: 'change' } },
    schema: {
      tags,
      summary: 'Change an app; `disabled: true` refuses new tokens and rejects existing ones at once',
      params: Id,
      body: AppPatch,
      response: { 200: AppSchema },
    },
    handler: async (req) => updateApp(req.ctx!, { id: req.params.id, changes: req.body }),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/App/:id/secret',
    config: { access: { ruleset: 'app', action: 'change' } },
    schema: {
      tags,
      summary: 'Rotate the client secret (shown once); tokens already issued stay valid until they expire',
      params: Id,
      response: { 200: Type.Object({ client_id: Type.String(), client_secret: Type.String() }) },
    },
    handler: async (req) => rotateSecret(req.ctx!, req.params.id),
  });
  app.route({
    method: 'DELETE',
    url: '/api/v1/App/:id',
    config: { access: { ruleset: 'app', action: 'delete' } },
    schema: { tags, summary: 'Delete an app and revoke everything it issued', params: Id, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      await deleteApp(req.ctx!, req.params.id);
      return reply.code(204).send(null);
    },
  });
  app.route({
    method: 'POST',
    url: '/api/v1/App/:id/Token',
    config: { access: { ruleset: 'app', action: 'add' } },
    schema: {
      tags,
      summary: 'Generate an app token (access 24 h + refresh), shown once',
      params: Id,
      body: Type.Object(
        { name: Type.String({ minLength: 1, maxLength: 200 }), scope: Type.String({ minLength: 1, maxLength: 4000 }) },
        { additionalProperties: false },
      ),
      response: { 201: IssuedAppToken },
    },
    handler: async (req, reply) => reply.code(201).send(await createAppToken(req.ctx!, { id: req.params.id, ...req.body })),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/App/:id/Token',
    config: { access: { ruleset: 'app', action: 'view' } },
    schema: { tags, summary: "List an app's tokens: name, scopes, created, last used, expiry", params: Id, response: { 200: Type.Array(AppTokenSchema) } },
    handler: async (req) => listAppTokens(req.ctx!, req.params.id),
  });
  app.route({
    method: 'DELETE',
    url: '/api/v1/App/:id/Token',
    config: { access: { ruleset: 'app', action: 'delete' } },
    schema: { tags, summary: "Revoke all of an app's tokens", params: Id, response: { 200: Revoked } },
    handler: async (req) => revokeAppTokens(req.ctx!, { id: req.params.id }),
  });
  app.route({
    method: 'DELETE',
    url: '/api/v1/App/:id/Token/:tokenId',
    config: { access: { ruleset: 'app', action: 'delete' } },
    schema: {
      tags,
      summary: 'Revoke one app token',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }), tokenId: Type.Integer({ minimum: 1 }) }),
      response: { 200: Revoked },
    },
    handler: async (req) => {
      return revokeAppTokens(req.ctx!, { id: req.params.id, tokenId: req.params.tokenId });
    },
  });

  // Superusers: every application of the instance (seed 000's /o/applications/), as a page or JSON.
  app.route({
    method: 'GET',
    url: '/o/applications',
    config: { access: { ruleset: 'app', action: 'view', superuser: true } },
    schema: {
      tags,
      summary: "The account's applications and the instance-wide ones (superusers): HTML, or JSON with Accept: application/json",
      response: {
        200: {
          description: 'JSON unless the client asks for text/html.',
          content: {
            'application/json': { schema: Type.Array(Type.Composite([AppSchema, Type.Object({ account_id: NullableInt })])) },
            'text/html': { schema: Type.String() },
          },
        },
      },
    },
    handler: async (req, reply) => {
      const rows = await listManageableApps(req.ctx!);
      if (!(req.headers.accept ?? '').includes('text/html')) return rows;
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(applicationsPage(rows));
    },
  });
  app.route({
    method: 'PATCH',
    url: '/o/applications/:id',
    config: { access: { ruleset: 'app', action: 'change', superuser: true } },
    schema: {
      tags,
      summary: 'Enable or disable an application the superuser manages (409 for the instance-wide client)',
      params: Id,
      body: Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: AppSchema },
    },
    handler: async (req) => {
      return setAppDisabled(req.ctx!, { id: req.params.id, disabled: req.body.disabled });
    },
  });
  app.route({
    method: 'DELETE',
    url: '/o/applications/:id',
    config: { access: { ruleset: 'app', action: 'delete', superuser: true } },
    schema: { tags, summary: 'Delete any application and revoke everything it issued (superusers)', params: Id, response: { 204: Type.Null() } },
    handler: async (req, reply) => {
      await deleteManageableApp(req.ctx!, req.params.id);
      return reply.code(204).send(null);
    },
  });
};

type AppRow = ReturnType<typeof appView> & { account_id: number | null };

/** The superusers' page: every application, with keyboard-usable enable/disable and delete buttons. */
function applicationsPage(rows: AppRow[]): string {
  const trs = rows
    .map((r) => {
      // The instance-wide client serves every account: no account's superuser disables or deletes it (409).
      const toggle =
        r.account_id === null
          ? 'serves every account'
          : `<button type="button" data-id="${r.id}" data-action="${r.disabled ? 'enable' : 'disable'}">${r.disabled ? 'Enable' : 'Disable'} ${escapeHtml(r.name)}</button>`;
      const del = r.account_id === null ? '' : ` <button type="button" data-id="${r.id}" data-action="delete">Delete ${escapeHtml(r.name)}</button>`;
      return `<tr><td>${r.id}</td><td>${escapeHtml(r.name)}</td><td><code>${escapeHtml(r.client_id)}</code></td><td>${r.account_id ?? 'instance'}</td><td>${r.client_type}</td><td>${escapeHtml(r.grant_types.join(', '))}</td><td class="state">${r.disabled ? 'disabled' : 'active'}</td><td>${toggle}${del}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Applications · Quartermaster</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}button:focus-visible{outline:3px solid #1f6feb;outline-offset:2px}</style></head>
<body><main><h1>Applications</h1><p id="status" role="status" aria-live="polite"></p>
<table><caption>Every OAuth application on this server</caption><thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Account</th><th scope="col">Type</th><th scope="col">Grants</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead><tbody>${trs}</tbody></table>
<p>JSON: <code>GET /o/applications/</code> with <code>Accept: application/json</code>, <code>PATCH /o/applications/{id}</code> <code>{"disabled": true}</code>, <code>DELETE /o/applications/{id}</code>.</p></main>
<script>
document.querySelector('tbody').addEventListener('click', async (ev) => {
  const b = ev.target.closest('button[data-action]');
  if (!b) return;
  const { id, action } = b.dataset;
  if (action === 'delete' && !confirm('Delete this application and revoke every token it issued?')) return;
  const res = await fetch('/o/applications/' + id, action === 'delete'
    ? { method: 'DELETE' }
    : { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ disabled: action === 'disable' }) });
  document.getElementById('status').textContent = res.ok ? 'Saved.' : 'Failed (' + res.status + ').';
  if (res.ok) location.reload();
});
</script></body></html>`;
}
