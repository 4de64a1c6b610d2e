/**
 * Schema-driven fuzzing of every operation in the OpenAPI document.
 *
 * For each operation and each of three callers (a superuser, a read-only user and a user limited to one warehouse)
 * fast-check generates requests from the operation's own parameter and body schemas: valid values, boundary values,
 * wrong types, names of Object.prototype members, NUL and broken Unicode, huge numbers and strings, and the ids of
 * this account's objects and of another account's. Every answer must be:
 * - below 500;
 * - a status the document lists for the operation, with a body matching the documented schema (the error body for
 *   errors, the response schema for successes, nothing for 204);
 * - for a refused request, no change to the account's data (a digest of every account table, taken before and after);
 * - never another account's object, never the read-only user writing, never the limited user seeing the other
 *   warehouse.
 *
 * The seed is fixed (QM_FUZZ_SEED overrides it) and printed with the failing request, so a failure reproduces.
 * QM_FUZZ_RUNS sets the requests per operation and caller (default 5: about 1,500 requests, some 70-120 s per
 * database on the 2-core development machine).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((formats as unknown as { default?: unknown }).default ?? formats) as unknown as (ajv: Ajv) => Ajv;
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { caller, request } from '../helpers/request.js';

const SEED = Number(process.env.QM_FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.QM_FUZZ_RUNS ?? 5);

/**
 * Routes that are not operations of the document, and why they are not fuzzed here. They are mounted outside the
 * document on purpose; their own tests cover them.
 */
const NOT_FUZZED: Record<string, string> = {
  '/api/v1/Token, /api/auth/token/, /o/token/': 'OAuth token endpoint: RFC 6749 bodies from oidc-provider, not in the document (test/oauth/*)',
  '/o/authorize': 'OAuth redirect endpoint: answers redirects and HTML (test/oauth/authorization-code.test.ts)',
  '/o/login/{uid}…': 'login and consent pages of an authorization in progress: HTML forms (test/oauth, test/browser)',
  '/o/userinfo/, /o/jwks/, /o/revoke/, /o/introspect/, /.well-known/openid-configuration':
    'OpenID Connect and RFC 7009/7662 endpoints of oidc-provider (test/oauth)',
  '/api/schema/, /api-doc/…': 'the document and its viewer (test/http/openapi.test.ts)',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const WEIRD_STRINGS = [
  '',
  ' 1',
  '0x10',
  '1e3',
  '+1',
  '-0',
  'Infinity',
  '-Infinity',
  'NaN',
  '1.5',
  '99999999999999999999',
  '9223372036854775808',
  'true',
  'null',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'é€😀',
  "'; drop table items; --",
  '%00',
  '../../etc/passwd',
  ...PROTO_NAMES,
];
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  0.00001,
  1e300,
  -1e300,
  2 ** 53,
  9223372036854775808,
  99999999999999,
  '99999999999999.9999',
  [],
  [1],
  {},
  { a: 1 },
  ...WEIRD_STRINGS,
];

type Schema = Record<string, any>;
interface Op {
  path: string;
  method: string;
  op: any;
}
interface Req {
  method: string;
  url: string;
  query: Record<string, string>;
  body?: unknown;
  form?: boolean;
  foreign: boolean;
}

let t: TestApp;
let doc: any;
let ajv: Ajv;
const validators = new Map<unknown, ValidateFunction>();
/** Ids by kind: this account's (sacrificial: never the fuzzing users themselves) and another account's. */
const pools: Record<string, number[]> = {};
const foreign: Record<string, number[]> = {};
const users: Record<'superuser' | 'readOnly' | 'limited', { user: TestUser; token: string }> = {} as never;
let otherWarehouse = 0;
let accountId = 0;
let digestTables: string[] = [];

/** Which kind of id a parameter or field names. */
function kindOf(name: string, path: string): string {
  const n = name.toLowerCase();
  if (n === 'partno') return 'item';
  if (n === 'wid' || n === 'fromwid' || n === 'towid') return 'warehouse';
  if (n === 'recno') return 'lot';
  if (n === 'orderid') return 'order';
  if (n === 'customerid') return 'customer';
  if (n === 'categoryid' || n === 'parentid') return 'category';
  if (n === 'binid') return 'bin';
  if (n === 'groupids') return 'group';
  if (n === 'warehouseids') return 'warehouse';
  if (n === 'userid') return 'user';
  if (n === 'tokenid') return path.includes('/App/') ? 'appToken' : 'token';
  if (n === 'id') {
    if (path.startsWith('/api/user/tokens/')) return 'token';
    if (path.startsWith('/api/v1/User/')) return 'user';
    if (/\/Group\//i.test(path)) return 'group';
    if (/\/App\/|\/o\/applications\//i.test(path)) return 'app';
  }
  return 'any';
}

function idArb(kind: string): fc.Arbitrary<{ v: number; foreign: boolean }> {
  const mine = kind === 'any' ? Object.values(pools).flat() : (pools[kind] ?? []);
  const theirs = kind === 'any' ? [] : (foreign[kind] ?? []);
  const arbs: fc.Arbitrary<{ v: number; foreign: boolean }>[] = [fc.constantFrom(0, -1, MAX_SAFE, 2 ** 53, 1e20).map((v) => ({ v, foreign: false }))];
  if (mine.length) arbs.push(fc.constantFrom(...mine).map((v) => ({ v, foreign: false })));
  if (theirs.length) arbs.push(fc.constantFrom(...theirs).map((v) => ({ v, foreign: true })));
  return fc.oneof(...arbs);
}

/** Values valid by a schema (as far as a generator can tell), with ids drawn from the pools. */
function valid(schema: Schema | undefined, name: string, path: string, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) return fc.oneof(...branches.map((b: Schema) => valid(b, name, path, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const kind = kindOf(name, path);
      const min = Math.max(schema.minimum ?? -MAX_SAFE, -1e6);
      const max = Math.min(schema.maximum ?? MAX_SAFE, 1e6);
      const plain = fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(max)) });
      return kind === 'any'
        ? plain
        : fc.oneof(
            plain,
            idArb(kind).map((x) => x.v),
          );
    }
    case 'number':
      return fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0.5, 2.25, 1.0001));
    case 'string': {
      if (schema.format === 'date-time')
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'date')
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 1e6));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
    }
    case 'array': {
      return fc.array(valid(schema.items, name, path, depth + 1), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    }
    case 'object': {
      const props: Record<string, Schema> = schema.properties ?? {};
      const required: string[] = schema.required ?? [];
      const entries = Object.entries(props).map(
        ([k, s]) => [k, fc.oneof({ weight: 5, arbitrary: valid(s, k, path, depth + 1) }, { weight: 1, arbitrary: fc.constantFrom(...WEIRD_VALUES) })] as const,
      );
      return fc.record(Object.fromEntries(entries), { requiredKeys: required.filter((k) => k in props) });
    }
    default:
      return fc.constantFrom(...WEIRD_VALUES);
  }
}

/** A body: mostly by the schema, sometimes with an extra field named like a prototype member, sometimes not an object. */
function bodyArb(schema: Schema, path: string): fc.Arbitrary<unknown> {
  const byShape = valid(schema, 'body', path);
  const withExtra = fc.tuple(byShape, fc.constantFrom(...PROTO_NAMES), fc.constantFrom(...WEIRD_VALUES)).map(([b, k, v]) => {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return b;
    const out = { ...b } as Record<string, unknown>;
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
  const huge = fc.constantFrom('x'.repeat(100_000), { description: 'y'.repeat(200_000) }, { units: '1'.repeat(5000) });
  return fc.oneof(
    { weight: 8, arbitrary: byShape },
    { weight: 2, arbitrary: withExtra },
    { weight: 1, arbitrary: fc.constantFrom(...WEIRD_VALUES) },
    { weight: 1, arbitrary: huge },
  );
}

function asQueryText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

function requestArb(o: Op): fc.Arbitrary<Req> {
  const params: any[] = o.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc.record(
    Object.fromEntries(
      pathParams.map((p) => {
        const kind = kindOf(p.name, o.path);
        const arb =
          p.schema?.type === 'integer'
            ? fc.oneof(
                { weight: 6, arbitrary: idArb(kind).map((x) => ({ v: String(x.v), foreign: x.foreign })) },
                { weight: 1, arbitrary: fc.constantFrom(...WEIRD_STRINGS).map((v) => ({ v, foreign: false })) },
              )
            : fc.oneof(
                { weight: 4, arbitrary: valid(p.schema, p.name, o.path).map((v) => ({ v: asQueryText(v), foreign: false })) },
                { weight: 1, arbitrary: fc.constantFrom(...WEIRD_STRINGS).map((v) => ({ v, foreign: false })) },
              );
        // An empty segment is another route (the list), not this operation with an empty value.
        return [p.name, arb.filter((x) => x.v !== '')];
      }),
    ),
  );
  const queryArb = fc.record(
    Object.fromEntries(
      queryParams.map((p) => [
        p.name,
        fc.oneof({ weight: 4, arbitrary: valid(p.schema, p.name, o.path).map(asQueryText) }, { weight: 1, arbitrary: fc.constantFrom(...WEIRD_STRINGS) }),
      ]),
    ),
    { requiredKeys: [] },
  );
  const extraQuery = fc.option(fc.tuple(fc.constantFrom(...PROTO_NAMES), fc.constantFrom(...WEIRD_STRINGS)), { freq: 6 });
  const bodySchema = o.op.requestBody?.content?.['application/json']?.schema;
  const body = bodySchema ? fc.option(bodyArb(bodySchema, o.path), { freq: 12 }) : fc.constant(null);
  const form = fc.nat(9).map((n) => n < 2);
  return fc.tuple(pathArb, queryArb, extraQuery, body, form).map(([pp, q, extra, b, asForm]) => {
    let url = o.path;
    let isForeign = false;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- TypeScript 7 (the compiler) infers unknown here
    for (const [name, { v, foreign: f }] of Object.entries(pp as Record<string, { v: string; foreign: boolean }>)) {
      url = url.replace(`{${name}}`, encodeURIComponent(v));
      isForeign ||= f;
    }
    const query = { ...(q as Record<string, string>) };
    if (extra) Object.defineProperty(query, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
    const req: Req = { method: o.method.toUpperCase(), url, query, foreign: isForeign };
    if (b !== null) {
      req.body = b;
      req.form = asForm && !!b && typeof b === 'object' && !Array.isArray(b);
    }
    return req;
  });
}

/** An OpenAPI schema with its component references resolved, for Ajv. */
function resolve(schema: unknown, depth = 0): unknown {
  if (Array.isArray(schema)) return schema.map((s) => resolve(s, depth));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as Schema).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/') && depth < 20) return resolve(doc.components.schemas[ref.slice(21)], depth + 1);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : resolve(v, depth)]));
}

function validatorFor(schema: unknown): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = ajv.compile(resolve(schema) as object);
    validators.set(schema, v);
  }
  return v;
}

async function digest(): Promise<string> {
  const parts = digestTables.map(
    (table) =>
      sql`(select md5(coalesce(string_agg(r, ',' order by r), '')) from (select (to_jsonb(x) - 'last_used_at' - 'last_used_ip' - 'last_login_at')::text as r from ${sql.identifier(table)} x where x.account_id = ${accountId}) s)`,
  );
  const res = await t.db.execute(sql`select ${sql.join(parts, sql` || `)} as d`);
  const rows = (Array.isArray(res) ? res : (res as { rows: { d: string }[] }).rows) as { d: string }[];
  return rows[0]!.d;
}

function findKey(value: unknown, keys: Set<string>, target: number, depth = 0): boolean {
  if (depth > 8 || !value || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => findKey(v, keys, target, depth + 1));
  for (const [k, v] of Object.entries(value)) {
    if (keys.has(k) && v === target) return true;
    if (findKey(v, keys, target, depth + 1)) return true;
  }
  return false;
}

async function seedData() {
  // Another account, whose ids every generator also draws.
  const other = await makeAccount(t, 'Other store');
  const otherOwner = await other.user({ group: 'owner', superuser: true });
  const ob = caller(t, otherOwner);
  const ow = (await ob.send('POST', '/api/v1/Warehouse', { code: 'OW', name: 'Other' })).json().wID;
  const oi = (await ob.send('POST', '/api/v1/Item', { shortID: 'O-1' })).json().partNo;
  const ocat = (await ob.send('POST', '/api/v1/Category', { name: 'Other cat' })).json().categoryID;
  const ocu = (await ob.send('POST', '/api/v1/Customer', { name: 'Other customer' })).json().customerID;
  const olot = (await ob.send('POST', '/api/v1/Inventory/Receive', { partNo: oi, wID: ow, units: 5 })).json().lots[0].recNo;
  const oorder = (await ob.send('POST', '/api/v1/SalesOrder', { wID: ow, lines: [{ partNo: oi, units: 1 }] })).json().orderID;
  const ogroup = (await ob.send('POST', '/api/v1/Group', { name: 'other-group', permissions: { item: ['view'] } })).json().id;
  const oapp = (await ob.send('POST', '/api/v1/App', { name: 'Other app', grant_types: ['client_credentials'] })).json().id;
  Object.assign(foreign, {
    warehouse: [ow],
    item: [oi],
    category: [ocat],
    customer: [ocu],
    lot: [olot],
    order: [oorder],
    group: [ogroup, other.groups.owner.id],
    app: [oapp],
    user: [otherOwner.id],
  });

  const acc = await makeAccount(t, 'Fuzzed store');
  accountId = acc.account.id;
  const w1 = await acc.warehouse('W1');
  const w2 = await acc.warehouse('W2');
  otherWarehouse = w2.id;
  const su = await acc.user({ group: 'owner', superuser: true });
  const ro = await acc.user({ group: 'owner', readOnly: true });
  const lim = await acc.user({ group: 'owner', warehouses: [w1.id] });
  users.superuser = { user: su, token: await personalToken(t, su, 'fuzz-auth') };
  users.readOnly = { user: ro, token: await personalToken(t, ro, 'fuzz-auth') };
  users.limited = { user: lim, token: await personalToken(t, lim, 'fuzz-auth') };

  const api = caller(t, su);
  const cat = (await api.send('POST', '/api/v1/Category', { name: 'Tools' })).json().categoryID;
  const items = [];
  for (const shortID of ['F-1', 'F-2', 'F-3'])
    items.push((await api.send('POST', '/api/v1/Item', { shortID, categoryID: cat, cost: '2.5', reorderPoint: 10 })).json().partNo);
  const bin = (await api.send('POST', `/api/v1/Warehouse/${w1.id}/Bin`, { spot: 'A-01' })).json().binID;
  const customer = (await api.send('POST', '/api/v1/Customer', { name: 'Fuzz customer' })).json().customerID;
  const lots = [];
  for (const [partNo, wID] of [
    [items[0], w1.id],
    [items[1], w1.id],
    [items[0], w2.id],
  ])
    lots.push((await api.send('POST', '/api/v1/Inventory/Receive', { partNo, wID, units: 50 })).json().lots[0].recNo);
  const order = (await api.send('POST', '/api/v1/SalesOrder', { wID: w1.id, customerID: customer, lines: [{ partNo: items[0], units: 2 }] })).json().orderID;
  const group = (await api.send('POST', '/api/v1/Group', { name: 'fuzz-group', permissions: { item: ['view'] } })).json().id;
  const victim = await acc.user({ group: 'staff' });
  // A token of the superuser's that it may lose (its own fuzzing token is never in a pool).
  const victimToken = (await api.send('POST', '/api/user/tokens/', { name: 'fuzz-victim' })).json().id;
  const app = (
    await api.send('POST', '/api/v1/App', { name: 'Fuzz app', grant_types: ['authorization_code'], redirect_uris: ['https://shop.example/cb'] })
  ).json().id;
  Object.assign(pools, {
    warehouse: [w1.id, w2.id],
    item: items,
    category: [cat],
    customer: [customer],
    lot: lots,
    order: [order],
    bin: [bin],
    group: [group],
    user: [victim.id],
    app: [app],
    token: [victimToken],
    appToken: [],
  });

  const tables = await t.db.execute(
    sql`select table_name from information_schema.columns where column_name = 'account_id' and table_schema = current_schema() order by table_name`,
  );
  const rows = (Array.isArray(tables) ? tables : (tables as { rows: { table_name: string }[] }).rows) as { table_name: string }[];
  // Bookkeeping a refused request may rightly write: the audit log and the lockout counters.
  digestTables = rows.map((r) => r.table_name).filter((n) => !['audit_log', 'auth_failures', 'login_challenges'].includes(n));
}

beforeAll(async () => {
  t = await startTestApp();
  doc = (await request(t, { method: 'GET', url: '/api/schema/' })).json();
  ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  addFormats(ajv);
  await seedData();
}, 120_000);
afterAll(() => t?.close());

function operations(): Op[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op })),
  );
}

function describeReq(r: Req, who: string): string {
  const q = new URLSearchParams(r.query).toString();
  const body = r.body === undefined ? '' : ` ${r.form ? 'form' : 'json'} ${JSON.stringify(r.body)?.slice(0, 300)}`;
  return `${who}: ${r.method} ${r.url}${q ? `?${q}` : ''}${body} (seed ${SEED})`;
}

/** Sends one generated request as `who` and checks the answer against the document; throws what is wrong. */
async function probe(o: Op, who: keyof typeof users, r: Req, state: { requests: number; stale: boolean; baseline: string }) {
  const writes = o.method !== 'get';
  if (writes && state.stale) {
    state.baseline = await digest();
    state.stale = false;
  }
  const headers: Record<string, string> = { authorization: `Token ${users[who].token}` };
  let payload: string | undefined;
  if (r.body !== undefined) {
    if (r.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(Object.entries(r.body as object).map(([k, v]): [string, string] => [k, asQueryText(v)])).toString();
    } else {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(r.body);
    }
  }
  const res = await request(t, { method: r.method, url: r.url, query: r.query, headers, payload });
  state.requests++;
  const where = describeReq(r, who);
  expect(res.statusCode, `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  const documented = o.op.responses[String(res.statusCode)];
  expect(documented, `${where} → ${res.statusCode} is not documented`).toBeDefined();
  if (res.statusCode === 204) {
    expect(res.body, `${where} → 204 with a body`).toBe('');
  } else {
    const type = String(res.headers['content-type'] ?? '').split(';')[0]!;
    const content = documented.content ?? {};
    const media = content[type];
    expect(media, `${where} → ${res.statusCode} answered ${type}, documented ${Object.keys(content).join(', ')}`).toBeDefined();
    if (type === 'application/json') {
      const check = validatorFor(media.schema);
      const body = res.json();
      expect(check(body), `${where} → ${res.statusCode} ${res.body.slice(0, 300)}: ${ajv.errorsText(check.errors)}`).toBe(true);
      if (res.statusCode < 300 && who === 'limited') {
        expect(findKey(body, new Set(['wID', 'fromWID', 'toWID']), otherWarehouse), `${where} → ${res.statusCode} shows the other warehouse`).toBe(false);
      }
    }
  }
  if (res.statusCode < 300) {
    expect(r.foreign, `${where} → ${res.statusCode}: reached another account's object`).toBe(false);
    if (writes && who === 'readOnly' && /Refused to read-only users/.test(o.op.description ?? ''))
      throw new Error(`${where} → ${res.statusCode}: a read-only user wrote`);
    state.stale = true;
  } else if (writes) {
    const after = await digest();
    if (after !== state.baseline) {
      state.baseline = after;
      throw new Error(`${where} → ${res.statusCode} changed the account's data`);
    }
  }
}

describe('schema-driven fuzz of every documented operation', () => {
  it('lists what it does not fuzz, with the reason', () => {
    expect(Object.keys(NOT_FUZZED).length).toBeGreaterThan(0);
    // Every operation of the document is fuzzed: none is hidden from it.
    expect(operations().length).toBeGreaterThan(60);
  });

  it('no 5xx, every answer as documented, refused requests change nothing, no leak', async () => {
    const ops = operations();
    const state = { requests: 0, stale: true, baseline: '' };
    const failures = new Map<string, string>();
    const started = Date.now();
    for (const o of ops) {
      for (const who of ['superuser', 'readOnly', 'limited'] as const) {
        await fc.assert(
          fc.asyncProperty(requestArb(o), async (r) => {
            try {
              await probe(o, who, r, state);
            } catch (err) {
              // Every failure is kept (one per operation, caller and status), so one run lists them all.
              const line = (err as Error).message.split('\n')[0]!;
              const key = `${o.method} ${o.path} ${who} ${/→ (\d+)/.exec(line)?.[1] ?? ''}`;
              if (!failures.has(key)) failures.set(key, line);
            }
          }),
          { seed: SEED, numRuns: RUNS },
        );
      }
    }
    for (const line of failures.values()) console.error(line);
    console.log(
      `fuzz: ${ops.length} operations, ${state.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}, ${RUNS} runs per operation and caller)`,
    );
    expect([...failures.values()]).toEqual([]);
    expect(state.requests).toBeGreaterThanOrEqual(ops.length * 3 * RUNS);
  }, 600_000);
});
