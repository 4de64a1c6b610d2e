import { ApiError } from '../../http/errors.js';
import { MAX_PAGE_SIZE } from '../../http/list/engine.js';

/**
 * Frappe's list parameters (`/api/resource/<DocType>` and `frappe.client.get_list`): `fields` and `filters` as JSON,
 * `limit_start` / `limit_page_length` (or `limit`), `order_by` ("modified desc"). Everything arrives as text (query
 * string or form); malformed input is a ValidationError (417), never a server error.
 */
export type FrappeDoc = Record<string, unknown>;
export interface Filter {
  field: string;
  op: string;
  value: unknown;
}
export interface ListArgs {
  fields: string[] | null;
  filters: Filter[];
  offset: number;
  pageSize: number;
  orderBy: { field: string; descending: boolean } | null;
}

const bad = (field: string, message: string) => ApiError.validation({ [field]: [message] });

/** Frappe sends lists and dicts as JSON text; a client may also send them as JSON values (JSON body). */
export function parseJsonParam(raw: unknown, field: string): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw bad(field, 'is not valid JSON');
    }
  }
  assertNoNul(value, field);
  return value;
}

function digits(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text)) throw bad(field, 'must be a whole number (at most 9 digits)');
  return Number(text);
}

/** A field name as Frappe writes it, possibly qualified: `name`, `tabItem.name`, `` `tabItem`.`name` ``. */
function fieldName(raw: string, field: string): string {
  const name = raw.replace(/`/g, '').split('.').pop()!.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw bad(field, `"${raw.slice(0, 64)}" is not a field name`);
  return name;
}

function parseFields(raw: unknown): string[] | null {
  const v = parseJsonParam(raw, 'fields');
  if (v === undefined) return ['name'];
  const list = typeof v === 'string' ? v.split(',') : v;
  if (!Array.isArray(list) || list.length > 200 || !list.every((f) => typeof f === 'string')) throw bad('fields', 'must be a JSON list of field names');
  if (list.some((f) => f.trim() === '*' || /\.\*$/.test(f.trim()))) return null;
  return list.map((f) => fieldName(f.trim().split(/\s+as\s+/i)[0]!, 'fields'));
}

const OPERATORS = new Set(['=', '!=', 'like', 'not like', 'in', 'not in', '>', '<', '>=', '<=', 'is', 'between']);

function filterOf(field: string, spec: unknown): Filter {
  if (Array.isArray(spec)) {
    if (spec.length !== 2 || typeof spec[0] !== 'string') throw bad('filters', `filter on "${field}" must be [operator, value]`);
    const op = spec[0].toLowerCase();
    if (!OPERATORS.has(op)) throw bad('filters', `unknown operator "${spec[0].slice(0, 20)}"`);
    return { field, op, value: spec[1] };
  }
  return { field, op: '=', value: spec };
}

/** `{"field": value}`, `{"field": [op, value]}`, `[["field", op, value]]` or `[["DocType", "field", op, value]]`. */
export function parseFilters(raw: unknown, name = 'filters'): Filter[] {
  const v = parseJsonParam(raw, name);
  if (v === undefined) return [];
  if (Array.isArray(v)) {
    if (v.length > 50) throw bad(name, 'too many filters');
    return v.map((f) => {
      if (!Array.isArray(f) || f.length < 3 || f.length > 4)
        throw bad(name, 'each filter must be [field, operator, value] or [doctype, field, operator, value]');
      const [field, op, value] = (f.length === 4 ? f.slice(1) : f) as unknown[];
      if (typeof field !== 'string' || typeof op !== 'string') throw bad(name, 'field and operator must be text');
      return filterOf(fieldName(field, name), [op, value]);
    });
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    if (entries.length > 50) throw bad(name, 'too many filters');
    return entries.map(([field, spec]) => filterOf(fieldName(field, name), spec));
  }
  throw bad(name, 'must be a JSON object or list');
}

function parseOrderBy(raw: unknown): ListArgs['orderBy'] {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > 200) throw bad('order_by', 'must be "field asc" or "field desc"');
  const first = raw.split(',')[0]!.trim();
  const m = /^(\S+)(?:\s+(asc|desc))?$/i.exec(first);
  if (!m) throw bad('order_by', 'must be "field asc" or "field desc"');
  return { field: fieldName(m[1]!, 'order_by'), descending: (m[2] ?? 'asc').toLowerCase() === 'desc' };
}

/** `limit_page_length` 0 means "all" in Frappe; here it means the largest page, MAX_PAGE_SIZE rows. Default 20. */
export function parseListArgs(q: Record<string, unknown>): ListArgs {
  const length = digits(q.limit_page_length, 'limit_page_length') ?? digits(q.limit, 'limit') ?? digits(q.page_length, 'page_length') ?? 20;
  return {
    fields: parseFields(q.fields),
    filters: parseFilters(q.filters),
    offset: digits(q.limit_start, 'limit_start') ?? digits(q.start, 'start') ?? 0,
    pageSize: length === 0 ? MAX_PAGE_SIZE : Math.min(length, MAX_PAGE_SIZE),
    orderBy: parseOrderBy(q.order_by),
  };
}

/** Picks the asked fields from a document (`null`: all). Unknown fields are left out, as Frappe leaves out nulls. */
export function pick(doc: FrappeDoc, fields: string[] | null): FrappeDoc {
  if (fields === null) return doc;
  const out: FrappeDoc = {};
  for (const f of fields) if (Object.hasOwn(doc, f)) out[f] = doc[f];
  return out;
}

/** Refuses NUL characters anywhere in a request's values: PostgreSQL text cannot hold them. */
export function assertNoNul(value: unknown, path = 'request', depth = 0): void {
  if (depth > 20) throw bad(path, 'is nested too deeply');
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw bad(path, 'must not contain NUL characters');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoNul(v, `${path}.${i}`, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) throw bad(path, 'must not contain NUL characters');
      assertNoNul(v, `${path}.${k}`, depth + 1);
    }
  }
}
