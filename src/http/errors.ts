import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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
  'payload.too_large': [413, 'The request body is too large.'],
  'media_type.unsupported': [415, 'Unsupported media type.'],
  rate_limited: [429, 'Too many attempts. Try again later.'],
  internal: [500, 'Internal server error.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorKey = keyof typeof ERROR_KEYS;
export type ErrorFields = Record<string, string[]>;

/** The one error type of the API. The error handler turns it into `{"error":{"key","description","fields"}}`. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly key: ErrorKey,
    description?: string,
    readonly fields: ErrorFields = {},
    headers: Record<string, string> = {},
  ) {
    super(description ?? ERROR_KEYS[key][1]);
    this.statusCode = ERROR_KEYS[key][0];
    this.headers = headers;
  }

  static validation(fields: ErrorFields, description = 'The request is not valid.'): ApiError {
    return new ApiError('validation.failed', description, fields);
  }

  static notFound(what = 'Not found.'): ApiError {
    return new ApiError('not_found', what);
  }
}

export function errorBody(key: ErrorKey, description: string, fields: ErrorFields = {}) {
  return { error: { key, description, fields } };
}

/**
 * Schemes named in every 401 so a client knows what it may send: one challenge per header, Basic first, because
 * browsers only offer their login prompt when they can parse a Basic challenge on its own.
 */
export const WWW_AUTHENTICATE = ['Basic realm="api", charset="UTF-8"', 'Bearer realm="api"', 'Token realm="api"'];

/** Ajv errors → `fields`: one entry per offending field, named by its path without the leading slash. */
function validationFields(err: FastifyError): ErrorFields {
  const fields: ErrorFields = {};
  for (const v of err.validation ?? []) {
    const params = v.params as Record<string, unknown>;
    let name = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (params.missingProperty) name = [name, params.missingProperty].filter(Boolean).join('.');
    if (params.additionalProperty) name = [name, params.additionalProperty].filter(Boolean).join('.');
    if (!name) name = err.validationContext === 'body' ? 'body' : (err.validationContext ?? 'request');
    const message = params.additionalProperty ? 'is not a known field' : (v.message ?? 'is invalid');
    (fields[name] ??= []).push(message);
  }
  return fields;
}

/**
 * Script requests (`X-Requested-With: XMLHttpRequest`, as the console sends) get the challenges without Basic:
 * a browser answers a Basic challenge to a fetch with its own login prompt, over the page.
 */
const SCRIPT_CHALLENGES = WWW_AUTHENTICATE.filter((c) => !c.startsWith('Basic'));

function send(reply: FastifyReply, status: number, key: ErrorKey, description: string, fields: ErrorFields = {}) {
  if (status === 401 && !reply.hasHeader('www-authenticate')) {
    reply.header('www-authenticate', reply.request.headers['x-requested-with'] === 'XMLHttpRequest' ? SCRIPT_CHALLENGES : WWW_AUTHENTICATE);
  }
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(key, description, fields));
}

/** Fastify's own error codes for things a client sent wrong, mapped to our keys. Everything else is a 500. */
const FASTIFY_CLIENT_ERRORS: Record<string, ErrorKey> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'media_type.unsupported',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload.too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation.failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation.failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation.failed',
  FST_ERR_CTP_EMPTY_TYPE: 'media_type.unsupported',
  FST_ERR_CTP_INVALID_TYPE: 'media_type.unsupported',
  FST_ERR_CTP_INVALID_CHARSET: 'media_type.unsupported',
};

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return send(reply, err.statusCode, err.key, err.message, err.fields);
    }
    if (err.validation) {
      return send(reply, 400, 'validation.failed', 'The request is not valid.', validationFields(err));
    }
    const mapped = err.code ? FASTIFY_CLIENT_ERRORS[err.code] : undefined;
    if (mapped) return send(reply, ERROR_KEYS[mapped][0], mapped, err.message);
    // JSON.parse failures and similar arrive as SyntaxError with a 400 status.
    if (err instanceof SyntaxError || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      const key: ErrorKey = status === 413 ? 'payload.too_large' : status === 415 ? 'media_type.unsupported' : status === 404 ? 'not_found' : 'validation.failed';
      return send(reply, ERROR_KEYS[key][0], key, err.message);
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, 500, 'internal', ERROR_KEYS.internal[1]);
  });

  app.setNotFoundHandler((request, reply) => send(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
}
