import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { ApiError } from './errors.js';

/**
 * The input policy of every route, present and future: registered once on the root instance, so a route (or a
 * dialect plugin) gets it by being registered, with nothing to declare.
 *
 * - Bodies are JSON (UTF-8 only) or forms; any other media type is 415. Bad UTF-8, lone surrogates and NUL
 *   characters anywhere in a body, the path or the query string are 400 `validation.failed` before any route code.
 * - Body values are never coerced (Ajv runs with `coerceTypes: false`): `"0x10"` is not 16.
 * - Path and query values are strings; they are converted by the route's schema, strictly: an integer is
 *   `-?[0-9]+`, a number `-?[0-9]+(.[0-9]+)?`, a boolean `true`/`false`. Anything else stays a string and fails
 *   validation (`1e3`, `0x10`, ` 1`, `+1`, `Infinity`).
 * - Every integer in a request schema without bounds is bounded to ±(2⁵³−1), the ids' range (bigint columns read as
 *   JavaScript numbers), so an id or a count past it is a 400, never a database error. The bounds show in the
 *   OpenAPI document too.
 */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INTEGER_TEXT = /^-?[0-9]+$/;
const NUMBER_TEXT = /^-?[0-9]+(?:\.[0-9]+)?$/;

type Schema = Record<string, unknown>;

/** Why a text is refused, or null: NUL characters and text that is not well-formed Unicode. */
export function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'is not valid UTF-8';
  return null;
}

/** The first refused string (key or value) in a parsed body, with its field path. */
function findBadString(value: unknown, path: string, depth = 0): [string, string] | null {
  if (typeof value === 'string') {
    const why = badText(value);
    return why ? [path || 'body', why] : null;
  }
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadString(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const name = path ? `${path}.${key}` : key;
    const why = badText(key);
    if (why) return [name.replaceAll('\u0000', '\\u0000'), `field name ${why}`];
    const bad = findBadString((value as Record<string, unknown>)[key], name, depth + 1);
    if (bad) return bad;
  }
  return null;
}

function refuseBadStrings(value: unknown): void {
  const bad = findBadString(value, '');
  if (bad) throw ApiError.validation({ [bad[0]]: [bad[1]] });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw ApiError.validation({ body: ['is not valid UTF-8'] });
  }
}

/** A body's declared charset must be UTF-8 (or absent): the bytes are read as UTF-8, so anything else would be misread. */
function assertUtf8Charset(contentType: string | undefined): void {
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '');
  if (m && !/^utf-?8$/i.test(m[1]!)) throw new ApiError('media_type.unsupported', `Only UTF-8 bodies are accepted, not charset=${m[1]}.`);
}

/** decodeURIComponent that refuses what is not UTF-8 instead of replacing it. */
function strictDecode(s: string): string {
  const out = decodeURIComponent(s);
  const why = badText(out);
  if (why) throw new URIError(why);
  return out;
}

/** A form body: `a=1&b=2`, percent-decoded strictly; repeated names give arrays (as for query strings). */
function parseForm(text: string): Record<string, string | string[]> {
  let failed: string | null = null;
  const parsed = parseQueryString(text, '&', '=', {
    maxKeys: 1000,
    decodeURIComponent: (s: string) => {
      try {
        return strictDecode(s);
      } catch (err) {
        failed ??= (err as Error).message === 'must not contain NUL characters' ? (err as Error).message : 'is not valid UTF-8 (percent-encoded)';
        return '';
      }
    },
  });
  if (failed) throw ApiError.validation({ body: [failed] });
  return parsed as Record<string, string | string[]>;
}

/** The path and query of the raw URL, checked before routing's decoded values are used anywhere. */
function checkUrl(url: string): void {
  // Without escapes there is nothing to decode (and Node's parser refuses control characters in the request line).
  if (!url.includes('%')) return;
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  try {
    strictDecode(path);
  } catch (err) {
    throw ApiError.validation({ path: [err instanceof URIError && err.message.startsWith('must') ? err.message : 'is not valid UTF-8 (percent-encoded)'] });
  }
  if (q < 0) return;
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawName = (eq >= 0 ? pair.slice(0, eq) : pair).replace(/\+/g, ' ');
    const rawValue = eq >= 0 ? pair.slice(eq + 1).replace(/\+/g, ' ') : '';
    let name: string | null = null;
    try {
      name = strictDecode(rawName);
      strictDecode(rawValue);
    } catch (err) {
      const why = err instanceof URIError && err.message.startsWith('must') ? err.message : 'is not valid UTF-8 (percent-encoded)';
      throw ApiError.validation({ [name ?? 'query']: [why] });
    }
  }
}

// ------------------------------------------------------------------ schemas

const INPUT_PARTS = ['body', 'querystring', 'params', 'headers'] as const;

/** A copy of a request schema in which every unbounded integer is bounded to the id range. */
export function boundIntegers(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(boundIntegers);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'const' || k === 'enum' || k === 'default' || k === 'examples' ? v : boundIntegers(v);
  }
  const type = out.type;
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = MAX_ID;
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = -MAX_ID;
  }
  return out;
}

function typesOf(schema: Schema | undefined, into = new Set<string>()): Set<string> {
  if (!schema) return into;
  const t = schema.type;
  if (typeof t === 'string') into.add(t);
  else if (Array.isArray(t)) for (const x of t) into.add(String(x));
  if ('const' in schema) into.add(typeof schema.const);
  if (Array.isArray(schema.enum)) for (const x of schema.enum) into.add(typeof x);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[k];
    if (Array.isArray(list)) for (const s of list) typesOf(s as Schema, into);
  }
  return into;
}

function itemsOf(schema: Schema): Schema | undefined {
  if (schema.items && typeof schema.items === 'object') return schema.items as Schema;
  for (const k of ['anyOf', 'oneOf'] as const) {
    const list = schema[k];
    if (Array.isArray(list)) for (const s of list as Schema[]) if (s.items) return s.items as Schema;
  }
  return undefined;
}

type Convert = (value: unknown) => unknown;

/**
 * The converter of one path or query value, built once per schema: the value converted by its schema, strictly;
 * anything unclear stays as sent and fails validation.
 */
function valueConverter(schema: Schema): Convert {
  const types = typesOf(schema);
  const isString = types.has('string');
  const isArray = types.has('array');
  const isInteger = types.has('integer');
  const isNumber = types.has('number');
  const isBoolean = types.has('boolean');
  const items = isArray ? itemsOf(schema) : undefined;
  const item = items ? valueConverter(items) : null;
  return (value) => {
    if (Array.isArray(value)) {
      const list: unknown[] = value;
      return item ? list.map((v) => item(v)) : list;
    }
    if (typeof value !== 'string' || isString) return value;
    if (isArray) return item ? [item(value)] : value;
    if (isInteger && INTEGER_TEXT.test(value)) return Number(value);
    if (isNumber && NUMBER_TEXT.test(value)) return Number(value);
    if (isBoolean && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  };
}

/** The converter of a path or query object (its declared properties; others are left for validation), or null. */
function objectConverter(schema: unknown): ((data: unknown) => void) | null {
  if (!schema || typeof schema !== 'object') return null;
  const props = (schema as Schema).properties as Record<string, Schema> | undefined;
  if (!props) return null;
  const byKey = new Map<string, Convert>();
  for (const key of Object.keys(props)) if (props[key] && typeof props[key] === 'object') byKey.set(key, valueConverter(props[key]));
  if (!byKey.size) return null;
  return (data) => {
    if (!data || typeof data !== 'object') return;
    const target = data as Record<string, unknown>;
    for (const key of Object.keys(target)) {
      const convert = byKey.get(key);
      if (convert) target[key] = convert(target[key]);
    }
  };
}

/**
 * The preValidation hook of one route that declares a querystring or params schema: converts its path and query
 * values. The converters are built on the route's first request, from the schema the route validates with.
 */
function routeConverter() {
  let converters: ((request: FastifyRequest) => void)[] | null = null;
  return function convertPathAndQuery(request: FastifyRequest, _reply: unknown, done: (err?: Error) => void) {
    if (!converters) {
      const schema = request.routeOptions.schema as Record<string, unknown> | undefined;
      const query = objectConverter(schema?.querystring);
      const params = objectConverter(schema?.params);
      converters = [];
      if (query) converters.push((r) => query(r.query));
      if (params) converters.push((r) => params(r.params));
    }
    for (const convert of converters) convert(request);
    done();
  };
}

// ------------------------------------------------------------------ registration

export function registerInputPolicy(app: FastifyInstance): void {
  // Only JSON and forms: text/plain (a Fastify default) and everything else answer 415.
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      assertUtf8Charset(req.headers['content-type']);
      void json(req, decodeUtf8(body as Buffer), (err: Error | null, value?: unknown) => {
        if (err) return done(err, undefined);
        try {
          refuseBadStrings(value);
        } catch (e) {
          return done(e as Error, undefined);
        }
        done(null, value);
      });
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      assertUtf8Charset(req.headers['content-type']);
      done(null, parseForm(decodeUtf8(body as Buffer)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // Decided once per route: the integer bounds, and whether the route has path or query values to convert (only then
  // does it get the converting hook, first among its preValidation hooks).
  app.addHook('onRoute', (opts: RouteOptions) => {
    if (!opts.schema) return;
    const schema = { ...opts.schema } as Record<string, unknown>;
    for (const part of INPUT_PARTS) if (schema[part]) schema[part] = boundIntegers(schema[part]);
    opts.schema = schema;
    if (schema.querystring || schema.params) opts.preValidation = [routeConverter(), ...hooksOf(opts.preValidation)];
  });

  // Every request, routed or not (a 404 with a bad escape is still a 400). Synchronous: no promise per request.
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    checkUrl(request.raw.url ?? '/');
    done();
  });
}

/** A route option's hooks as a new array (never the route's own, which its HEAD twin shares). */
export function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? [...hooks] : [hooks];
}

/** The Ajv options of the app: no coercion anywhere (path and query values are converted above, strictly). */
export const AJV_OPTIONS = { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: true } as const;
