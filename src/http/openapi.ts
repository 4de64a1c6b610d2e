import type { FastifyInstance, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type, type TSchema } from '@sinclair/typebox';
import YAML from 'yaml';
import { describeAccess, type Access } from '../access/guard.js';
import { IDENTITY_WORDS, scopeWords } from '../access/scope-words.js';
import type { Config } from '../config.js';

function securitySchemes() {
  // The words of the scope vocabulary (src/access/scope-words.ts), as on the consent page and in the token manager.
  const scopes = scopeWords();
  return {
    basicAuth: { type: 'http', scheme: 'basic', description: 'Username (or email) and password; also an API key and secret as `Basic base64(key:secret)`.' },
    tokenAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'A personal token: `Token <token>` (from `GET /api/user/token/`).' },
    apiKeyAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'An API key and its secret: `token <api_key>:<api_secret>`.' },
    sessionToken: { type: 'http', scheme: 'bearer', description: 'A console/POS session token from the PIN login: `Bearer qm_ses_…`.' },
    sessionCookie: { type: 'apiKey', in: 'cookie', name: 'qm_session', description: 'The console session cookie; writes also need the `x-csrf-token` header.' },
    oauth2: {
      type: 'oauth2',
      description: 'OAuth 2.0 access tokens (`Authorization: Bearer …`). Scopes are `<resource>:<action>`; a token never gets more than its user has.',
      flows: {
        clientCredentials: { tokenUrl: '/api/v1/Token', scopes },
        password: { tokenUrl: '/api/auth/token/', scopes },
        authorizationCode: { authorizationUrl: '/o/authorize', tokenUrl: '/o/token/', refreshUrl: '/o/token/', scopes: { ...scopes, ...IDENTITY_WORDS } },
      },
    },
    openIdConnect: { type: 'openIdConnect', openIdConnectUrl: '/.well-known/openid-configuration' },
  };
}

/** The one error body of the API (OAuth endpoints, which are public, answer as RFC 6749 instead). */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      key: Type.String({
        description: 'Stable error key: auth.required, credentials.invalid, token.invalid, permission.denied, scope.wrong, validation.failed, not_found, …',
      }),
      description: Type.String(),
      fields: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Field name → messages, for validation errors.' }),
    }),
  },
  { $id: 'Error', description: 'Error: `{"error":{"key","description","fields"}}`. 401 answers carry WWW-Authenticate.' },
);

/**
 * A reference to a shared schema (one added with `app.addSchema` and an `$id`): the document names it once under
 * `components.schemas` and every operation refers to it, instead of writing it out in each answer.
 */
function refTo(schema: TSchema, description?: string): TSchema {
  const ref: Record<string, unknown> = { $ref: `${schema.$id}#` };
  if (description !== undefined) ref.description = description;
  return ref as TSchema;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The body of this route's error answers, for the document, when it is not the API's one error body (e.g. a
     * dialect that answers in its own system's shape). A plugin may set it on all its routes with an onRoute hook.
     */
    errorBody?: TSchema;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The error statuses an operation answers, derived in one place from what every route shares: the input policy
 * (400, and 413/415 where a body is read), the authenticate hook and guard (401, 403, 429 from the route's access
 * declaration), not found (404), writes (409) and the server (500). A route's own `response` entries win.
 */
export function errorStatuses(method: string, url: string, access: Access | undefined): Record<string, string> {
  const out: Record<string, string> = { 400: 'validation.failed: a parameter or the body is not valid (`fields` says which).' };
  const credentials = access === undefined || access === 'public';
  out[401] = credentials
    ? 'credentials.invalid, token.invalid, token.expired, user.disabled: credentials were sent and are not valid (none are needed).'
    : 'auth.required, credentials.invalid, token.invalid, token.expired, user.disabled.';
  const forbidden = ['https.required'];
  if (access === 'self') forbidden.push('scope.wrong (OAuth tokens)', 'csrf.failed');
  if (typeof access === 'object') {
    forbidden.push('scope.wrong', 'permission.denied', 'warehouse.forbidden');
    if (access.action !== 'view') forbidden.push('user.read_only');
  }
  if (!credentials || WRITE_METHODS.has(method)) forbidden.push('csrf.failed');
  out[403] = [...new Set(forbidden)].join(', ') + '.';
  out[404] =
    url.includes(':') || url.includes('{')
      ? 'not_found: no such object in your account.'
      : 'not_found: there is nothing to answer (e.g. no API key, no session).';
  if (WRITE_METHODS.has(method)) {
    out[409] = 'conflict or stock.insufficient: the request conflicts with the current state.';
    out[413] = 'payload.too_large: the body is over 1 MiB.';
    out[415] = 'media_type.unsupported: send JSON (UTF-8) or a form.';
  }
  out[429] = 'rate_limited: too many failed attempts (Basic passwords, logins, PINs); see Retry-After.';
  out[500] = 'internal: a server fault (logged; the body says nothing more).';
  return out;
}

/** Query parameters with a default are optional to the client, whatever the server's schema requires after defaults. */
function optionalDefaults(querystring: unknown): unknown {
  if (!querystring || typeof querystring !== 'object') return querystring;
  const q = querystring as { properties?: Record<string, { default?: unknown }>; required?: string[] };
  if (!q.required || !q.properties) return querystring;
  const required = q.required.filter((name) => q.properties![name]?.default === undefined);
  const out: Record<string, unknown> = { ...q, required };
  if (!required.length) delete out.required;
  return out;
}

/** The operation-level facts a route declaration implies: `security`, the permission sentence, the error answers. */
export function documentRoute(route: RouteOptions, schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const config = route.config;
  const access = config?.access;
  const out: Record<string, unknown> = { ...schema };
  if (out.operationId === undefined && typeof route.method === 'string') out.operationId = operationId(route.method, route.url);
  if (out.querystring) out.querystring = optionalDefaults(out.querystring);
  if (access === undefined) return out;
  const { security, text } = describeAccess(access);
  out.security = security;
  const description = typeof out.description === 'string' && out.description ? `${out.description}\n\n` : '';
  out.description = `${description}**Access:** ${text}`;
  const response = { ...(out.response as Record<string, unknown> | undefined) };
  // A route that documents its errors as a range (`4XX`) has named its error body: the derived statuses use it.
  const body = config?.errorBody ?? ((response['4XX'] ?? response['4xx']) as TSchema | undefined) ?? ErrorBody;
  const shared = body === ErrorBody;
  const method = typeof route.method === 'string' ? route.method : 'GET';
  for (const [status, text] of Object.entries(errorStatuses(method, route.url, access))) {
    if (!(status in response)) response[status] = shared ? refTo(body, text) : { ...body, description: text };
  }
  if (!('4xx' in response) && !('4XX' in response)) response['4XX'] = shared ? refTo(body, String(body.description)) : body;
  out.response = response;
  return out;
}

type Doc = {
  paths?: Record<string, Record<string, { tags?: string[]; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: { schemas?: Record<string, unknown> };
};

/**
 * Error bodies written out more than once (a dialect's own error shape, declared with `config.errorBody`, appears in
 * every status of every one of its operations) move to `components.schemas`, named after the operation's tag
 * (`FrappeError`), and each answer refers to them. The API's own error body is already a component (`Error`).
 */
export function shareErrorBodies<D>(doc: D): D {
  const d = doc as Doc;
  const schemas = (d.components ??= {}).schemas ?? {};
  const seen = new Map<string, { count: number; name: string }>();
  const visit = (fn: (schema: Record<string, unknown>, key: string, tag: string, media: { schema?: unknown }) => void) => {
    for (const ops of Object.values(d.paths ?? {}))
      for (const op of Object.values(ops))
        for (const [status, answer] of Object.entries(op.responses ?? {})) {
          if (status.startsWith('2')) continue;
          for (const media of Object.values(answer.content ?? {})) {
            const schema = media.schema as Record<string, unknown> | undefined;
            if (!schema || typeof schema !== 'object' || '$ref' in schema) continue;
            // The answer carries its own description; the shape is what repeats.
            const shape = Object.fromEntries(Object.entries(schema).filter(([k]) => k !== 'description'));
            fn(shape, JSON.stringify(shape), op.tags?.[0] ?? 'Other', media);
          }
        }
  };
  visit((_shape, key, tag) => {
    const known = seen.get(key);
    if (known) known.count++;
    else {
      let name = `${tag.replace(/[^A-Za-z0-9]/g, '')}Error`;
      for (let i = 2; name in schemas || [...seen.values()].some((v) => v.name === name); i++) name = `${tag.replace(/[^A-Za-z0-9]/g, '')}Error${i}`;
      seen.set(key, { count: 1, name });
    }
  });
  visit((shape, key, _tag, media) => {
    const entry = seen.get(key)!;
    if (entry.count < 2) return;
    schemas[entry.name] ??= shape;
    media.schema = { $ref: `#/components/schemas/${entry.name}` };
  });
  d.components.schemas = schemas;
  return doc;
}

/** A stable, unique id for client generators: `GET /api/v1/User/:id/groups` → `getApiV1UserByIdGroups`. */
export function operationId(method: string, url: string): string {
  const words = url
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith(':') ? `By_${seg.slice(1)}` : seg))
    .flatMap((seg) => seg.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}

/**
 * The OpenAPI 3.1 document, derived from the route declarations (registered before the modules so it sees every
 * route), served at `/api/schema/` (JSON, or YAML with `?format=yaml`), and the interactive docs at `/api-doc/`.
 */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Quartermaster API',
        version: '1.0.0',
        description:
          'Inventory server API. Errors answer `{"error":{"key","description","fields"}}` (OAuth endpoints answer as RFC 6749). ' +
          'Each operation lists the credentials and OAuth scope it accepts, and names the role permission it needs.',
      },
      servers: config.publicUrl ? [{ url: config.publicUrl }] : [],
      components: { securitySchemes: securitySchemes() as never },
    },
    // Shared schemas are named by their `$id` under components.schemas (`#/components/schemas/Error`).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (documentObject) => ('openapiObject' in documentObject ? shareErrorBodies(documentObject.openapiObject) : documentObject.swaggerObject),
    transform: ({ schema, url, route }) => ({ schema: documentRoute(route, schema as Record<string, unknown>), url }),
  });
  await app.register(swaggerUi, { routePrefix: '/api-doc', uiConfig: { deepLinking: true, persistAuthorization: false } });

  app.route({
    method: 'GET',
    url: '/api/schema/',
    config: { access: 'public' },
    schema: { hide: true, querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('yaml')])) }) },
    handler: async (req, reply) => {
      const doc = app.swagger();
      if ((req.query as { format?: string }).format === 'yaml') return reply.type('application/yaml; charset=utf-8').send(YAML.stringify(doc));
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(doc));
    },
  });
}

/** The document of an app that is ready (for the `schema` command). */
export function schemaDocument(app: FastifyInstance, format: 'json' | 'yaml'): string {
  const doc = app.swagger();
  return format === 'yaml' ? YAML.stringify(doc) : `${JSON.stringify(doc, null, 2)}\n`;
}
