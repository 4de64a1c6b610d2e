import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientErrorOf } from '../db/errors.js';

/**
 * The closed list of error keys. Clients branch on `key`; the status and default description go with it.
 * Documented in the README; adding a key is an API change.
 */
export const ERROR_KEYS = {
  'auth.required': [401, 'Authentication credentials were not provided.'],
  'credentials.invalid': [401, 'Invalid credentials.'],
  'token.invalid': [401, 'Invalid token'],
  'token.expired': [401, 'The token has expired.'],
  'user.disabled': [401, 'This user is disabled.'],
  'csrf.failed': [403, 'CSRF token missing or wrong.'],
  'https.required': [403, 'Credentials must be sent over HTTPS.'],
  'scope.wrong': [403, 'Your scope does not allow access here.'],
  'permission.denied': [403, 'You do not have permission to perform this action.'],
  'warehouse.forbidden': [403, 'You do not have access to this warehouse.'],
  'user.read_only': [403, 'This user is read-only.'],
  'validation.failed': [400, 'The request is not valid.'],
  not_found: [404, 'Not found.'],
  'method.not_allowed': [405, 'Method not allowed.'],
  conflict: [409, 'The request conflicts with the current state.'],
  'stock.insufficient': [409, 'Not enough stock.'],
  'request.timeout': [408, 'The request took too long to arrive.'],
  'payload.too_large': [413, 'The request body is too large.'],
  'media_type.unsupported': [415, 'Unsupported media type.'],
  rate_limited: [429, 'Too many attempts. Try again later.'],
  'headers.too_large': [431, 'The request headers are too large.'],
  internal: [500, 'Internal server error.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorKey = keyof typeof ERROR_KEYS;
export type ErrorFields = Record<string, string[]>;

/**
 * A `fields` map without a prototype, so a field named `constructor`, `__proto__` or `toString` is just a name.
 * Every error's fields go through it.
 */
export function fieldMap(from?: ErrorFields): ErrorFields {
  const out = Object.create(null) as ErrorFields;
  if (from) for (const k of Object.keys(from)) out[k] = from[k]!;
  return out;
}

/** The one error type of the API. The error handler turns it into `{"error":{"key","description","fields"}}`. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly fields: ErrorFields;
  /** Machine-readable detail beside the description (e.g. `required_scope`), written as extra members of `error`. */
  detail: Record<string, string> = {};

  constructor(
    readonly key: ErrorKey,
    description?: string,
    fields: ErrorFields = {},
    headers: Record<string, string> = {},
  ) {
    super(description ?? ERROR_KEYS[key][1]);
    this.fields = fieldMap(fields);
    this.statusCode = ERROR_KEYS[key][0];
    this.headers = headers;
  }

  /** Adds members beside key/description/fields, so descriptions stay exactly as documented. */
  with(detail: Record<string, string>): this {
    this.detail = { ...this.detail, ...detail };
    return this;
  }

  static validation(fields: ErrorFields, description = 'The request is not valid.'): ApiError {
    return new ApiError('validation.failed', description, fields);
  }

  static notFound(what = 'Not found.'): ApiError {
    return new ApiError('not_found', what);
  }
}

export function errorBody(key: ErrorKey, description: string, fields: ErrorFields = fieldMap(), detail: Record<string, string> = {}) {
  return { error: { ...detail, key, description, fields } };
}

/**
 * Schemes named in every 401 so a client knows what it may send: one challenge per header, Basic first, because
 * browsers only offer their login prompt when they can parse a Basic challenge on its own.
 */
export const WWW_AUTHENTICATE = ['Basic realm="api", charset="UTF-8"', 'Bearer realm="api"', 'Token realm="api"'];

/** Ajv errors → `fields`: one entry per offending field, named by its path without the leading slash. */
function validationFields(err: FastifyError): ErrorFields {
  const fields = fieldMap();
  for (const v of err.validation ?? []) {
    const params = v.params;
    let name = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (typeof params.missingProperty === 'string') name = [name, params.missingProperty].filter(Boolean).join('.');
    if (typeof params.additionalProperty === 'string') name = [name, params.additionalProperty].filter(Boolean).join('.');
    if (!name) name = err.validationContext === 'body' ? 'body' : (err.validationContext ?? 'request');
    const message = params.additionalProperty ? 'is not a known field' : (v.message ?? 'is invalid');
    const list = (fields[name] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return fields;
}

/**
 * Script requests (`X-Requested-With: XMLHttpRequest`, as the console sends) get the challenges without Basic:
 * a browser answers a Basic challenge to a fetch with its own login prompt, over the page.
 */
const SCRIPT_CHALLENGES = WWW_AUTHENTICATE.filter((c) => !c.startsWith('Basic'));

function send(reply: FastifyReply, status: number, key: ErrorKey, description: string, fields: ErrorFields = fieldMap(), detail: Record<string, string> = {}) {
  if (status === 401 && !reply.hasHeader('www-authenticate')) {
    reply.header('www-authenticate', reply.request.headers['x-requested-with'] === 'XMLHttpRequest' ? SCRIPT_CHALLENGES : WWW_AUTHENTICATE);
  }
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(errorBody(key, description, fields, detail));
}

/** Fastify's own error codes for things a client sent wrong, mapped to our keys. */
const FASTIFY_CLIENT_ERRORS: Record<string, ErrorKey> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'media_type.unsupported',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload.too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation.failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation.failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation.failed',
  FST_ERR_CTP_EMPTY_TYPE: 'media_type.unsupported',
  FST_ERR_CTP_INVALID_TYPE: 'media_type.unsupported',
  FST_ERR_CTP_INVALID_CHARSET: 'media_type.unsupported',
  FST_ERR_BAD_URL: 'validation.failed',
  FST_ERR_MAX_PARAM_LENGTH: 'validation.failed',
  FST_ERR_ASYNC_CONSTRAINT: 'validation.failed',
};

/** Descriptions of our own for Fastify's errors: theirs may quote the request or name internals. */
const FASTIFY_DESCRIPTIONS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty but the content type is JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is over the limit (1 MiB).',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send JSON (application/json) or a form (application/x-www-form-urlencoded).',
  FST_ERR_BAD_URL: 'The URL is not valid.',
};

const STATUS_KEYS: Record<number, ErrorKey> = {
  404: 'not_found',
  405: 'method.not_allowed',
  408: 'request.timeout',
  413: 'payload.too_large',
  415: 'media_type.unsupported',
  431: 'headers.too_large',
};

/**
 * Every error the app answers, in the one shape. ApiError as thrown; schema validation as `validation.failed` with
 * fields; Fastify's client errors and the database errors a client could provoke (src/db/errors.ts) as their key;
 * anything else is logged and answered as a bare `internal`, with no message of its own.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return send(reply, err.statusCode, err.key, err.message, err.fields, err.detail);
    }
    if (err.validation) {
      return send(reply, 400, 'validation.failed', 'The request is not valid.', validationFields(err));
    }
    const mapped = err.code ? FASTIFY_CLIENT_ERRORS[err.code] : undefined;
    if (mapped) return send(reply, ERROR_KEYS[mapped][0], mapped, FASTIFY_DESCRIPTIONS[err.code] ?? ERROR_KEYS[mapped][1]);
    const db = clientErrorOf(err);
    if (db) {
      request.log.info({ err }, 'database refused a client value');
      return send(reply, ERROR_KEYS[db.key][0], db.key, db.description);
    }
    // JSON.parse failures (prototype poisoning included) and similar arrive with a 4xx status.
    if (err instanceof SyntaxError || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      const key = STATUS_KEYS[err.statusCode ?? 400] ?? 'validation.failed';
      return send(reply, ERROR_KEYS[key][0], key, key === 'validation.failed' ? 'The request is not valid.' : ERROR_KEYS[key][1]);
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, 500, 'internal', ERROR_KEYS.internal[1]);
  });

  app.setNotFoundHandler((request, reply) => send(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
}

/** Fastify's `frameworkErrors` option: URL errors found while routing (bad percent-encoding and the like). */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const key = FASTIFY_CLIENT_ERRORS[err.code] ?? 'validation.failed';
  void send(reply, ERROR_KEYS[key][0], key, FASTIFY_DESCRIPTIONS[err.code] ?? ERROR_KEYS[key][1]);
}

/**
 * Node's `clientError`: the request could not even be parsed (headers too large, malformed HTTP, a request that
 * took too long), so no route and no Fastify reply exist. Answered on the socket in the same error shape.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const key: ErrorKey =
    err.code === 'HPE_HEADER_OVERFLOW' ? 'headers.too_large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request.timeout' : 'validation.failed';
  const status = ERROR_KEYS[key][0];
  const description =
    key === 'validation.failed'
      ? 'The request is not valid HTTP.'
      : key === 'request.timeout'
        ? `The request was not received within ${this.server.requestTimeout / 1000} s; the connection is closed.`
        : ERROR_KEYS[key][1];
  const body = JSON.stringify(errorBody(key, description));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
