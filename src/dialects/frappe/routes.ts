import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { assertAccess, type Access } from '../../access/guard.js';
import { authenticateRequest } from '../../auth/authenticate.js';
import { ApiError } from '../../http/errors.js';
import { sendConsolePage } from '../../http/console.js';
import { accessFor, doctypeNamed, DOCTYPES, Refs, type DocTypeAdapter } from './doctypes.js';
import { frappeErrorResponses, registerFrappeErrors } from './errors.js';
import { assertNoNul, parseJsonParam, parseListArgs, pick, type FrappeDoc } from './query.js';
import { frappeLogin, frappeLogout } from './session.js';

/**
 * Frappe's REST API (seed 004; what frappe-client and Frappe integrations send): `/api/method/login`, `POST /` with
 * `cmd=…`, `/api/method/frappe.client.*`, `/api/resource/<DocType>[/<name>]`. Every operation runs the same route
 * declaration as the native route it stands for (ruleset × action), then the same service.
 */
const tags = ['Frappe'];
const Doc = Type.Record(Type.String(), Type.Unknown(), { description: 'A Frappe document (see the README for the field table).' });
const DataOne = Type.Object({ data: Doc });
const DataMany = Type.Object({ data: Type.Array(Doc) });
const Message = Type.Object({ message: Type.Unknown() }, { additionalProperties: true });
const FormOrJson = 'Form (`data=<JSON document>`) or a JSON body (the document itself, or `{"data": …}`).';
const ListQuery = Type.Object(
  {
    fields: Type.Optional(Type.String({ description: 'JSON list of field names; ["*"] for all. Default ["name"].' })),
    filters: Type.Optional(
      Type.String({ description: 'JSON: {"field": value}, {"field": [op, value]} or [[field, op, value], …]. Operators: "=", and "like" on text.' }),
    ),
    limit_start: Type.Optional(Type.String({ description: 'Rows to skip (digits).' })),
    limit_page_length: Type.Optional(Type.String({ description: 'Rows to answer (digits), default 20; 0 = the largest page (500).' })),
    order_by: Type.Optional(Type.String({ description: '"field asc" or "field desc".' })),
  },
  { additionalProperties: true },
);
const NameParam = Type.Object({ name: Type.String({ maxLength: 300 }) });

type Params = Record<string, unknown>;

/** A form posts `data=<json>`; a JSON body is the document, or `{"data": …}`. */
function documentFrom(body: unknown): FrappeDoc {
  let doc: unknown = body;
  if (body && typeof body === 'object' && !Array.isArray(body) && 'data' in body) doc = parseJsonParam((body as Params).data, 'data');
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw ApiError.validation({ data: ['must be a JSON object (the document)'] });
  return doc as FrappeDoc;
}

function textParam(p: Params, name: string, max = 300): string {
  const v = p[name];
  if (typeof v !== 'string' || !v || v.length > max) throw ApiError.validation({ [name]: ['is required'] });
  return v;
}

/** `cmd=` and `/api/method/` parameters: the query string and the body (form or JSON) together. */
function paramsOf(req: FastifyRequest): Params {
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Params) : {};
  return { ...(req.query as Params), ...body };
}

/** Runs one DocType operation under its declaration: the route guard's check, for the DocType the body names. */
function need(req: FastifyRequest, access: Access, write: boolean) {
  if (access === 'public') return;
  assertAccess(req, access, write);
}

async function listDocs(req: FastifyRequest, d: DocTypeAdapter, p: Params) {
  need(req, accessFor(d, 'list'), false);
  const args = parseListArgs(p);
  const ctx = req.ctx!;
  const docs = await d.list(ctx, new Refs(ctx), args);
  return docs.map((doc) => pick(doc, args.fields));
}

async function getDoc(req: FastifyRequest, d: DocTypeAdapter, name: string) {
  need(req, accessFor(d, 'get'), false);
  const ctx = req.ctx!;
  return d.get(ctx, new Refs(ctx), name);
}

async function insertDoc(req: FastifyRequest, d: DocTypeAdapter, doc: FrappeDoc) {
  if (!d.insert) throw new ApiError('method.not_allowed', `${d.doctype} is read only.`);
  need(req, accessFor(d, 'insert'), true);
  const ctx = req.ctx!;
  return d.insert(ctx, new Refs(ctx), doc, (access) => need(req, access, true));
}

async function updateDoc(req: FastifyRequest, d: DocTypeAdapter, name: string, doc: FrappeDoc) {
  if (!d.update) throw new ApiError('method.not_allowed', `${d.doctype} cannot be changed here.`);
  need(req, accessFor(d, 'update'), true);
  const ctx = req.ctx!;
  return d.update(ctx, new Refs(ctx), name, doc);
}

async function deleteDoc(req: FastifyRequest, d: DocTypeAdapter, name: string) {
  if (!d.remove) throw new ApiError('method.not_allowed', `${d.doctype} cannot be deleted${d.doctype === 'Sales Order' ? '; cancel it instead' : ''}.`);
  need(req, accessFor(d, 'delete'), true);
  const ctx = req.ctx!;
  await d.remove(ctx, new Refs(ctx), name);
}

/** The one document `name` or `filters` point at (frappe.client.get / get_value). */
async function findDoc(req: FastifyRequest, d: DocTypeAdapter, p: Params, nameKey: 'name' | 'filters') {
  const raw = p[nameKey];
  if (nameKey === 'name' || (typeof raw === 'string' && !/^\s*[[{]/.test(raw))) return getDoc(req, d, textParam(p, nameKey));
  const docs = await listDocs(req, d, { filters: raw, fields: '["*"]', limit_page_length: '1' });
  if (!docs[0]) throw ApiError.notFound(`${d.doctype} not found.`);
  return docs[0];
}

/** `frappe.client.*` and friends, by `/api/method/<name>` or `cmd=<name>`. */
async function runMethod(req: FastifyRequest, reply: FastifyReply, method: string, p: Params): Promise<{ message?: unknown }> {
  if (method === 'login') return await frappeLogin(req, reply, p);
  if (method === 'logout') return await frappeLogout(req, reply);
  const ctx = req.ctx;
  if (!ctx) throw new ApiError('auth.required');
  switch (method) {
    case 'frappe.auth.get_logged_user':
      return { message: ctx.principal.user.username };
    case 'frappe.client.get_list':
      return { message: await listDocs(req, doctypeNamed(textParam(p, 'doctype')), p) };
    case 'frappe.client.get':
      return { message: await findDoc(req, doctypeNamed(textParam(p, 'doctype')), p, p.name !== undefined ? 'name' : 'filters') };
    case 'frappe.client.insert': {
      const doc = documentFrom({ data: p.doc });
      if (typeof doc.doctype !== 'string') throw ApiError.validation({ 'doc.doctype': ['is required'] });
      return { message: await insertDoc(req, doctypeNamed(doc.doctype), doc) };
    }
    case 'frappe.client.set_value': {
      const d = doctypeNamed(textParam(p, 'doctype'));
      const raw = p.fieldname;
      const doc = typeof raw === 'string' && !/^\s*\{/.test(raw) ? { [raw]: p.value } : parseJsonParam(raw, 'fieldname');
      if (!doc || typeof doc !== 'object' || Array.isArray(doc))
        throw ApiError.validation({ fieldname: ['give a field name and value, or a JSON object of fields'] });
      return { message: await updateDoc(req, d, textParam(p, 'name'), doc as FrappeDoc) };
    }
    case 'frappe.client.get_value': {
      const d = doctypeNamed(textParam(p, 'doctype'));
      const raw = p.fieldname ?? 'name';
      const parsed = typeof raw === 'string' && /^\s*\[/.test(raw) ? parseJsonParam(raw, 'fieldname') : raw;
      const wanted = Array.isArray(parsed) ? parsed : [parsed];
      if (!wanted.every((f): f is string => typeof f === 'string') || wanted.length > 100)
        throw ApiError.validation({ fieldname: ['must be a field name or a JSON list of them'] });
      const doc = await findDoc(req, d, p, 'filters');
      return { message: pick(doc, wanted) };
    }
    case 'frappe.client.delete':
      await deleteDoc(req, doctypeNamed(textParam(p, 'doctype')), textParam(p, 'name'));
      return {};
    default:
      throw ApiError.notFound(`Method ${method.slice(0, 100)} not found.`);
  }
}

export const frappeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerFrappeErrors(app);
  // Frappe's clients come back with the `sid` cookie: every route of this dialect accepts it.
  app.addHook('onRoute', (opts: RouteOptions) => {
    opts.config = { ...(opts.config ?? {}), sessionCookie: 'sid' };
  });
  app.addHook('preValidation', async (req) => {
    assertNoNul(req.params, 'name');
    assertNoNul(req.query, 'query');
    assertNoNul(req.body, 'data');
  });
  const errors = frappeErrorResponses;

  /** Logging out with a session that is already gone is not an error (Frappe answers it too); a cross-site logout is. */
  async function authenticateForLogout(req: FastifyRequest) {
    try {
      await authenticateRequest(req, app.qm);
    } catch (err) {
      if (!(err instanceof ApiError && err.statusCode === 401)) throw err;
    }
  }

  app.route({
    method: 'POST',
    url: '/api/method/login',
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Log in (Frappe): usr + pwd, then for a user with a PIN tmp_id + otp',
      description:
        'JSON or form. Answers `{"message":"Logged In",…}` and sets the session cookie `sid` (HttpOnly, SameSite=Strict, Secure over HTTPS). A user with a PIN first gets `tmp_id` (Frappe\'s two-factor step): post it with the PIN as `otp`. Same lockout and audit as /api/auth/login.',
      body: Type.Object({
        usr: Type.Optional(Type.String()),
        pwd: Type.Optional(Type.String()),
        tmp_id: Type.Optional(Type.String()),
        otp: Type.Optional(Type.String()),
      }),
      response: { 200: Message, ...errors },
    },
    handler: (req, reply) => frappeLogin(req, reply, req.body),
  });

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/api/method/logout',
      config: { access: 'public' },
      schema: { tags, summary: 'Log out (Frappe): ends the session of the sid cookie', response: { 200: Type.Object({}), ...errors } },
      handler: async (req, reply) => {
        await authenticateForLogout(req);
        return frappeLogout(req, reply);
      },
    });
  }

  app.route({
    method: 'GET',
    url: '/api/method/frappe.auth.get_logged_user',
    config: { access: 'authenticated' },
    schema: { tags, summary: 'The calling username (seed 004)', response: { 200: Type.Object({ message: Type.String() }), ...errors } },
    handler: async (req) => ({ message: req.ctx!.principal.user.username }),
  });

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/api/method/:method',
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'frappe.client.get_list / get / insert / set_value / get_value / delete',
        description:
          'Parameters in the query string or the body (form or JSON), as Frappe takes them. Each call is checked against the declaration of its DocType operation (the same as the /api/resource route).',
        params: Type.Object({ method: Type.String({ maxLength: 200 }) }),
        response: { 200: Type.Object({ message: Type.Optional(Type.Unknown()) }, { additionalProperties: true }), ...errors },
      },
      handler: async (req, reply) => runMethod(req, reply, req.params.method, paramsOf(req)),
    });
  }

  app.route({
    method: 'POST',
    url: '/',
    config: { access: 'public' },
    schema: {
      tags,
      summary: "frappe-client's RPC: a form with cmd=login|logout|frappe.client.…",
      description:
        '`cmd=login` needs no credentials; every other command authenticates the request (sid cookie or Authorization) and is checked like its /api/method twin.',
      body: Type.Object({ cmd: Type.String({ maxLength: 200 }) }, { additionalProperties: true }),
      response: { 200: Type.Object({ message: Type.Optional(Type.Unknown()) }, { additionalProperties: true }), ...errors },
    },
    handler: async (req, reply) => {
      const { cmd } = req.body;
      if (cmd === 'logout') await authenticateForLogout(req);
      else if (cmd !== 'login') await authenticateRequest(req, app.qm);
      return runMethod(req, reply, cmd, paramsOf(req));
    },
  });

  // frappe-client sends some commands as GET /?cmd=… (get_value, logout); `/` without `cmd` is the web console's page.
  app.route({
    method: 'GET',
    url: '/',
    config: { access: 'public' },
    schema: {
      tags,
      summary: "frappe-client's RPC by GET: /?cmd=logout|frappe.client.… (without cmd: the web console)",
      querystring: Type.Object({ cmd: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: true }),
      response: {
        200: {
          description: "With `cmd`: the command's answer (JSON). Without: the web console's page (HTML).",
          content: {
            'application/json': { schema: Type.Object({ message: Type.Optional(Type.Unknown()) }, { additionalProperties: true }) },
            'text/html': { schema: Type.String() },
          },
        },
        ...errors,
      },
    },
    handler: async (req, reply) => {
      const { cmd } = req.query;
      if (cmd === undefined) return sendConsolePage(reply);
      if (cmd === 'login') throw new ApiError('method.not_allowed', 'Log in with POST.');
      await authenticateRequest(req, app.qm);
      return runMethod(req, reply, cmd, paramsOf(req));
    },
  });

  for (const d of DOCTYPES) {
    const base = `/api/resource/${d.doctype}`;
    app.route({
      method: 'GET',
      url: base,
      config: { access: accessFor(d, 'list') },
      schema: { tags, summary: `List ${d.doctype}`, querystring: ListQuery, response: { 200: DataMany, ...errors } },
      handler: async (req) => ({ data: await listDocs(req, d, req.query as Params) }),
    });
    app.route({
      method: 'GET',
      url: `${base}/:name`,
      config: { access: accessFor(d, 'get') },
      schema: { tags, summary: `Get a ${d.doctype}`, params: NameParam, response: { 200: DataOne, ...errors } },
      handler: async (req) => ({ data: await getDoc(req, d, req.params.name) }),
    });
    if (d.readOnly) continue;
    app.route({
      method: 'POST',
      url: base,
      config: { access: accessFor(d, 'insert') },
      schema: { tags, summary: `Insert a ${d.doctype}`, description: FormOrJson, response: { 200: DataOne, ...errors } },
      handler: async (req) => ({ data: await insertDoc(req, d, documentFrom(req.body)) }),
    });
    if (d.update) {
      app.route({
        method: 'PUT',
        url: `${base}/:name`,
        config: { access: accessFor(d, 'update') },
        schema: { tags, summary: `Update a ${d.doctype} (the fields sent)`, description: FormOrJson, params: NameParam, response: { 200: DataOne, ...errors } },
        handler: async (req) => ({ data: await updateDoc(req, d, req.params.name, documentFrom(req.body)) }),
      });
    }
    if (d.remove) {
      app.route({
        method: 'DELETE',
        url: `${base}/:name`,
        config: { access: accessFor(d, 'delete') },
        schema: { tags, summary: `Delete a ${d.doctype}`, params: NameParam, response: { 202: Type.Object({ message: Type.Literal('ok') }), ...errors } },
        handler: async (req, reply) => {
          await deleteDoc(req, d, req.params.name);
          return reply.code(202).send({ message: 'ok' });
        },
      });
    }
  }

  // Other DocTypes, and methods a DocType does not offer: Frappe's 404 / 405 in Frappe's shape.
  const unknown = async (req: FastifyRequest<{ Params: { doctype: string } }>) => {
    const d = doctypeNamed(req.params.doctype);
    throw new ApiError('method.not_allowed', `${d.doctype} does not offer ${req.method} here.`);
  };
  for (const url of ['/api/resource/:doctype', '/api/resource/:doctype/:name']) {
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url,
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Other DocTypes: 404 DoesNotExistError', hide: true, response: errors },
      handler: unknown,
    });
  }
};
