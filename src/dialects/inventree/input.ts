import { Type } from '@sinclair/typebox';
import { ApiError } from '../../http/errors.js';
import { isExactDecimal } from '../../modules/inventory/decimal.js';

/**
 * Reading what InvenTree clients send, the way DRF reads it: integers as JSON numbers or digit strings, booleans
 * as JSON booleans or "true"/"false"/"1"/"0", unknown fields and query parameters ignored. Anything else is a 400
 * naming the field, never a 500.
 */
export type Body = Record<string, unknown>;

type JsonType = 'integer' | 'number' | 'string' | 'boolean' | 'null' | 'array' | 'object';

/**
 * A body field that may arrive as several JSON types, as DRF accepts them. The schema names the types but does not
 * constrain them: the handler reads and checks the value itself, so no validator coerces it on the way (a union or
 * type list would let `null` become 0, or `[1]` become 1).
 */
export function loose(types: JsonType[], description?: string) {
  return Type.Unsafe<unknown>({ description: `One of: ${types.join(', ')}.${description ? ` ${description}` : ''}` });
}

const DIGITS = /^\d{1,15}$/;

/** A primary key from the path: anything that is not a positive safe integer is simply not found (as DRF's `<int:pk>`). */
export function pathPk(raw: string, what: string): number {
  const n = DIGITS.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw ApiError.notFound(`No ${what} matches the given query.`);
  return n;
}

export function asBody(body: unknown): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw ApiError.validation({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  return body as Body;
}

export function has(body: Body, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, field) && body[field] !== undefined;
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && DIGITS.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** A related object's pk: a positive integer, or null when `nullable`. */
export function pkField(body: Body, field: string, opts: { nullable?: boolean; required?: boolean } = {}): number | null | undefined {
  if (!has(body, field) || body[field] === '') {
    if (opts.required) throw ApiError.validation({ [field]: ['This field is required.'] });
    return body[field] === '' && opts.nullable ? null : undefined;
  }
  const v = body[field];
  if (v === null) {
    if (opts.nullable) return null;
    throw ApiError.validation({ [field]: ['This field may not be null.'] });
  }
  const n = toInt(v);
  if (n === undefined || n < 1) throw ApiError.validation({ [field]: [`Incorrect type. Expected pk value, received ${typeof v}.`] });
  return n;
}

export function strField(body: Body, field: string, opts: { required?: boolean; max?: number; allowBlank?: boolean } = {}): string | undefined {
  if (!has(body, field) || body[field] === null) {
    if (opts.required) throw ApiError.validation({ [field]: ['This field is required.'] });
    return undefined;
  }
  const v = body[field];
  if (typeof v !== 'string' && typeof v !== 'number') throw ApiError.validation({ [field]: ['Not a valid string.'] });
  const s = String(v).trim();
  if (s.includes('\u0000')) throw ApiError.validation({ [field]: ['Null characters are not allowed.'] });
  if (!s && !opts.allowBlank) throw ApiError.validation({ [field]: ['This field may not be blank.'] });
  if (opts.max !== undefined && s.length > opts.max) throw ApiError.validation({ [field]: [`Ensure this field has no more than ${opts.max} characters.`] });
  return s;
}

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  return undefined;
}

export function boolField(body: Body, field: string): boolean | undefined {
  if (!has(body, field)) return undefined;
  const b = toBool(body[field]);
  if (b === undefined) throw ApiError.validation({ [field]: ['Must be a valid boolean.'] });
  return b;
}

/** A quantity: a JSON number or a decimal string, exact at 4 places. */
export function decimalField(body: Body, field: string, opts: { required?: boolean; nullable?: boolean } = {}): string | number | null | undefined {
  if (!has(body, field) || (body[field] === null && opts.nullable)) {
    if (opts.required) throw ApiError.validation({ [field]: ['This field is required.'] });
    return has(body, field) ? null : undefined;
  }
  const v = body[field];
  if ((typeof v !== 'number' && typeof v !== 'string') || !isExactDecimal(typeof v === 'string' ? v.trim() : v)) {
    throw ApiError.validation({ [field]: ['A valid number is required (at most 14 digits before and 4 after the point).'] });
  }
  return typeof v === 'string' ? v.trim() : v;
}

// ---------------------------------------------------------------- query parameters (unknown ones are ignored)

export type Query = Record<string, unknown>;

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) return typeof v[v.length - 1] === 'string' ? (v[v.length - 1] as string) : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A filter naming an object by pk: `null`/empty means "no filter"; anything else that is not a pk is a 400. */
export function pkParam(q: Query, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined || v === '' || v.toLowerCase() === 'null' || v.toLowerCase() === 'none') return undefined;
  const n = toInt(v);
  if (n === undefined || n < 1) throw ApiError.validation({ [name]: ['Select a valid choice. That choice is not one of the available choices.'] });
  return n;
}

export function boolParam(q: Query, name: string, fallback: boolean): boolean {
  const v = one(q, name);
  if (v === undefined || v === '') return fallback;
  return toBool(v) ?? fallback;
}

export function textParam(q: Query, name: string, max = 200): string | undefined {
  const v = one(q, name)?.trim();
  if (!v) return undefined;
  if (v.includes('\u0000')) throw ApiError.validation({ [name]: ['Null characters are not allowed.'] });
  return v.slice(0, max);
}

/** `ordering=name,-pk`: the fields we can sort by, mapped; unknown fields are dropped, as DRF's OrderingFilter does. */
export function orderingParam(q: Query, map: Readonly<Record<string, string>>): string | undefined {
  const v = one(q, 'ordering');
  if (!v) return undefined;
  const out: string[] = [];
  for (const raw of v.split(',').map((s) => s.trim())) {
    const desc = raw.startsWith('-');
    const ours = map[raw.replace(/^[-+]/, '')];
    if (ours && !out.some((o) => o.replace(/^-/, '') === ours)) out.push(`${desc ? '-' : ''}${ours}`);
  }
  return out.length ? out.join(',') : undefined;
}

export function rawParam(q: Query, name: string): string | undefined {
  return one(q, name);
}
