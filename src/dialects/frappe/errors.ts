import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ERROR_KEYS, WWW_AUTHENTICATE, type ErrorKey } from '../../http/errors.js';

/**
 * Errors as Frappe answers them. Its clients look at the HTTP status and at `exc_type`/`exc` (frappe-client raises
 * when `exc` is present), its desk reads `_server_messages` (a JSON list of JSON-encoded messages). `exception` is
 * "<module.Class>: message" as Frappe prints it. The same error also rides along in our own shape under `error`.
 */
const FRAPPE_ERRORS: Record<ErrorKey, readonly [status: number, excType: string]> = {
  'auth.required': [401, 'AuthenticationError'],
  'credentials.invalid': [401, 'AuthenticationError'],
  'token.invalid': [401, 'AuthenticationError'],
  'token.expired': [401, 'AuthenticationError'],
  'user.disabled': [401, 'AuthenticationError'],
  'csrf.failed': [400, 'CSRFTokenError'],
  'https.required': [403, 'PermissionError'],
  'scope.wrong': [403, 'PermissionError'],
  'permission.denied': [403, 'PermissionError'],
  'warehouse.forbidden': [403, 'PermissionError'],
  'user.read_only': [403, 'PermissionError'],
  'validation.failed': [417, 'ValidationError'],
  not_found: [404, 'DoesNotExistError'],
  'method.not_allowed': [405, 'MethodNotAllowed'],
  conflict: [409, 'DuplicateEntryError'],
  'stock.insufficient': [417, 'NegativeStockError'],
  'request.timeout': [408, 'RequestTimeout'],
  'payload.too_large': [413, 'RequestEntityTooLarge'],
  'media_type.unsupported': [415, 'UnsupportedMediaType'],
  rate_limited: [429, 'TooManyRequestsError'],
  'headers.too_large': [431, 'RequestHeaderFieldsTooLarge'],
  internal: [500, 'Exception'],
};

/** A conflict that is not a duplicate (a row still referenced) is Frappe's LinkExistsError, answered 417. */
function statusAndType(err: ApiError): readonly [number, string] {
  if (err.key === 'conflict' && Object.keys(err.fields).length === 0) return [417, 'LinkExistsError'];
  return FRAPPE_ERRORS[err.key];
}

export function frappeErrorBody(err: ApiError) {
  const [, excType] = statusAndType(err);
  const messages = Object.entries(err.fields).flatMap(([field, list]) => list.map((m) => `${field}: ${m}`));
  const message = messages.length ? `${err.message} ${messages.join('; ')}` : err.message;
  const module = excType === 'NegativeStockError' ? 'erpnext.stock.stock_ledger' : 'frappe.exceptions';
  const exception = `${module}.${excType}: ${message}`;
  return {
    exc_type: excType,
    exception,
    exc: JSON.stringify([exception]),
    _server_messages: JSON.stringify([JSON.stringify({ message, title: 'Message', indicator: 'red', raise_exception: 1 })]),
    error: { ...err.detail, key: err.key, description: err.message, fields: err.fields },
  };
}

/** The error shape for the OpenAPI document. */
export const FrappeErrorSchema = Type.Object(
  {
    exc_type: Type.String({ description: 'Frappe exception class: DoesNotExistError, PermissionError, ValidationError, …' }),
    exception: Type.String(),
    exc: Type.String({ description: 'JSON list of strings; frappe-client raises FrappeException when present.' }),
    _server_messages: Type.String({ description: 'JSON list of JSON-encoded {message,title,indicator}.' }),
    error: Type.Object(
      { key: Type.String(), description: Type.String(), fields: Type.Record(Type.String(), Type.Array(Type.String())) },
      { additionalProperties: true },
    ),
  },
  { description: "Frappe error (the `error` member carries Quartermaster's key)." },
);
export const frappeErrorResponses = Object.fromEntries([400, 401, 403, 404, 405, 409, 413, 415, 417, 429, '4XX'].map((s) => [s, FrappeErrorSchema])) as Record<
  string,
  typeof FrappeErrorSchema
>;

/** Turns anything thrown inside the Frappe plugin into an ApiError the way the global handler would. */
function asApiError(err: FastifyError | ApiError, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  if (err.validation) {
    const fields: Record<string, string[]> = {};
    for (const v of err.validation) {
      const name = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || err.validationContext || 'request';
      (fields[name] ??= []).push(v.message ?? 'is invalid');
    }
    return ApiError.validation(fields);
  }
  const status = err.statusCode ?? 500;
  if (err instanceof SyntaxError || (status >= 400 && status < 500)) {
    const key: ErrorKey = status === 413 ? 'payload.too_large' : status === 415 ? 'media_type.unsupported' : status === 404 ? 'not_found' : 'validation.failed';
    return new ApiError(key, err.message);
  }
  request.log.error({ err }, 'unhandled error');
  return new ApiError('internal', ERROR_KEYS.internal[1]);
}

export function sendFrappeError(reply: FastifyReply, err: ApiError) {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  const [status] = statusAndType(err);
  if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', WWW_AUTHENTICATE);
  return reply.code(status).type('application/json; charset=utf-8').send(frappeErrorBody(err));
}

export function registerFrappeErrors(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => sendFrappeError(reply, asApiError(err, request)));
}
