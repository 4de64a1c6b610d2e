import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError, ERROR_KEYS, WWW_AUTHENTICATE, type ErrorFields, type ErrorKey } from '../../http/errors.js';

/**
 * Errors as Django REST framework answers them, since InvenTree's clients read those: `{"detail": "…"}` for
 * authentication, permission and not-found errors (our stable error key rides along in `key`), and
 * `{"<field>": ["message", …]}` for validation errors, with InvenTree's field names (a route maps ours to theirs).
 */
export const DrfError = Type.Object(
  {
    detail: Type.Optional(Type.String()),
    key: Type.Optional(Type.String({ description: 'Quartermaster error key (auth.required, scope.wrong, permission.denied, not_found, …).' })),
    non_field_errors: Type.Optional(Type.Array(Type.String())),
  },
  {
    additionalProperties: Type.Array(Type.String()),
    description: 'DRF-style error: `{"detail": "…", "key": "…"}`, or `{"field": ["message"]}` for validation errors (400).',
  },
);

export const errorResponses = { '4XX': DrfError, '5XX': DrfError } as const;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Our field names → InvenTree's, for validation errors of this route. */
    inventreeFields?: Readonly<Record<string, string>>;
  }
}

/** Keys whose InvenTree status differs from ours: DRF reports uniqueness and stock rules as 400 validation errors. */
const STATUS: Partial<Record<ErrorKey, number>> = { conflict: 400, 'stock.insufficient': 400 };

function renameFields(fields: ErrorFields, names: Readonly<Record<string, string>> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(fields)) {
    const head = name.split('.')[0]!;
    const mapped = names?.[head] ?? head;
    (out[mapped] ??= []).push(...messages);
  }
  return out;
}

function ajvFields(err: FastifyError): ErrorFields {
  const fields: ErrorFields = {};
  for (const v of err.validation ?? []) {
    const params = v.params;
    let name = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (typeof params.missingProperty === 'string') name = [name, params.missingProperty].filter(Boolean).join('.');
    if (!name) name = 'non_field_errors';
    (fields[name] ??= []).push(params.missingProperty ? 'This field is required.' : (v.message ?? 'Invalid value.'));
  }
  return fields;
}

function send(request: FastifyRequest, reply: FastifyReply, key: ErrorKey, message: string, fields: ErrorFields = {}) {
  const status = STATUS[key] ?? ERROR_KEYS[key][0];
  if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', WWW_AUTHENTICATE);
  const named = renameFields(fields, request.routeOptions.config.inventreeFields);
  const body = Object.keys(named).length ? named : { detail: message, key };
  return reply.code(status).type('application/json').send(body);
}

/** The dialect's error handler (set on its encapsulated plugin only). */
export function inventreeErrorHandler(err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    return send(request, reply, err.key, err.message, err.fields);
  }
  if (err.validation) return send(request, reply, 'validation.failed', 'The request is not valid.', ajvFields(err));
  const status = err.statusCode;
  if (err instanceof SyntaxError || (status && status >= 400 && status < 500)) {
    const s = status && status >= 400 && status < 500 ? status : 400;
    const key: ErrorKey =
      s === 413 ? 'payload.too_large' : s === 415 ? 'media_type.unsupported' : s === 404 ? 'not_found' : s === 405 ? 'method.not_allowed' : 'validation.failed';
    return send(request, reply, key, err.message);
  }
  request.log.error({ err }, 'unhandled error');
  return send(request, reply, 'internal', ERROR_KEYS.internal[1]);
}

export function registerInventreeErrors(app: FastifyInstance) {
  app.setErrorHandler(inventreeErrorHandler);
}
