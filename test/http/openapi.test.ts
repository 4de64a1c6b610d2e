import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CANONICAL_SCOPES } from '../../src/access/scopes.js';
import { documentRoute, ErrorBody } from '../../src/http/openapi.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { request } from '../helpers/request.js';

let t: TestApp;
let doc: any;

beforeAll(async () => {
  t = await startTestApp();
  const res = await request(t, { method: 'GET', url: '/api/schema/' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('application/json');
  doc = res.json();
});
afterAll(() => t.close());

/** A schema, with a reference to a shared one (`#/components/schemas/…`) followed. */
function deref(schema: any): any {
  const ref = schema?.$ref;
  return typeof ref === 'string' && ref.startsWith('#/components/schemas/') ? deref(doc.components.schemas[ref.slice('#/components/schemas/'.length)]) : schema;
}
/** A derived error answer of documentRoute: a reference to the shared error body (`Error#`), or an inline schema. */
function shared(schema: any): any {
  return schema?.$ref === `${ErrorBody.$id}#` ? ErrorBody : schema;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
function operations(): [string, string, any][] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, op]) => [path, m, op] as [string, string, any]),
  );
}

describe('OpenAPI document at /api/schema/', () => {
  it('is an OpenAPI 3.1 document with paths, info and the security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Quartermaster API', version: expect.any(String) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(5);
    const s = doc.components.securitySchemes;
    expect(s.basicAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'basic' }));
    expect(s.tokenAuth).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }));
    expect(s.apiKeyAuth).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }));
    expect(s.sessionToken).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(s.sessionCookie).toEqual(expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'qm_session' }));
    expect(s.openIdConnect).toEqual({ type: 'openIdConnect', openIdConnectUrl: '/.well-known/openid-configuration' });
    const flows = s.oauth2.flows;
    expect(flows.clientCredentials.tokenUrl).toBe('/api/v1/Token');
    expect(flows.password.tokenUrl).toBe('/api/auth/token/');
    expect(flows.authorizationCode).toMatchObject({ authorizationUrl: '/o/authorize', tokenUrl: '/o/token/', refreshUrl: '/o/token/' });
    for (const scope of CANONICAL_SCOPES) expect(flows.authorizationCode.scopes[scope]).toMatch(/^(Read|Create|Change|Delete) /);
    expect(flows.clientCredentials.scopes['orders:read']).toBe('Read orders');
  });

  it('every operation has a security list, and every non-public one names a permission', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(10);
    for (const [path, method, op] of ops) {
      expect(Array.isArray(op.security), `${method} ${path}`).toBe(true);
      expect(op.description, `${method} ${path}`).toMatch(/\*\*Access:\*\*/);
      if (op.security.length === 0) expect(op.description).toContain('Public');
      for (const requirement of op.security) for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(name);
    }
  });

  it('GET /api/v1/Item lists products:read and the role permission, from the route declaration', () => {
    const op = doc.paths['/api/v1/Item'].get;
    expect(op.security).toContainEqual({ oauth2: ['products:read'] });
    expect(op.security).toContainEqual({ basicAuth: [] });
    expect(op.security).toContainEqual({ tokenAuth: [] });
    expect(op.description).toContain('**view** on ruleset **item**');
    const del = doc.paths['/api/v1/User/{id}'].delete;
    expect(del.security).toContainEqual({ oauth2: ['users:delete'] });
    expect(del.description).toContain('read-only');
    expect(deref(op.responses['4XX'].content['application/json'].schema).properties.error.required).toEqual(['key', 'description', 'fields']);
  });

  it("'self' routes refuse OAuth tokens, so they list no oauth2 requirement", () => {
    const op = doc.paths['/api/user/password/'].post;
    expect(op.security.some((r: object) => 'oauth2' in r)).toBe(false);
    expect(op.security).toContainEqual({ basicAuth: [] });
  });

  it('lists query parameters and bodies from the schemas', () => {
    const list = doc.paths['/api/v1/User'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['page', 'pageSize', 'q', 'active', 'readOnly', 'kind']));
    expect(doc.paths['/api/v1/User'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'email']);
  });

  it('is structurally sound: templated path parameters are declared, refs resolve, operations answer something', () => {
    for (const [path, method, op] of operations()) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path');
      expect(declared.map((p: { name: string }) => p.name).sort(), `${method} ${path}`).toEqual(templated);
      for (const p of declared) expect(p.required).toBe(true);
      expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
    }
    // Routes declared for several methods at once share a schema, so they get no generated id.
    const ids = operations()
      .map(([, , op]) => op.operationId)
      .filter((id) => id !== undefined);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.every((id) => /^[a-z]+[A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/api/v1/User/{id}/groups'].put.operationId).toBe('putApiV1UserByIdGroups');
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas).toHaveProperty(ref!);
  });

  it('every operation documents its success status and its error statuses with the error body', () => {
    const missing = operations().filter(([, , op]) => !Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)));
    expect(missing.map(([p, m]) => `${m} ${p}`)).toEqual([]);
    for (const [path, method, op] of operations()) {
      // Dialect operations answer errors in their system's shape: documented, but not with the native body.
      const dialect = ['InvenTree', 'Frappe', 'Inventorum'].some((t) => op.tags?.includes(t));
      for (const status of ['400', '401', '403', '429', '500']) {
        const schema = deref(op.responses[status]?.content?.['application/json']?.schema);
        if (dialect) expect(schema, `${method} ${path} ${status}`).toBeDefined();
        else expect(schema?.properties?.error?.required, `${method} ${path} ${status}`).toEqual(['key', 'description', 'fields']);
      }
      if (path.includes('{')) expect(op.responses['404'], `${method} ${path}`).toBeDefined();
      if (method !== 'get') for (const status of ['409', '413', '415']) expect(op.responses[status], `${method} ${path} ${status}`).toBeDefined();
    }
  });

  it('201 and 204 where the operation answers them; CSV for reports; page and pageSize optional', () => {
    expect(Object.keys(doc.paths['/api/v1/App'].post.responses)).toContain('201');
    expect(Object.keys(doc.paths['/api/v1/App/{id}'].delete.responses)).toContain('204');
    expect(Object.keys(doc.paths['/api/v1/Item'].post.responses)).toContain('201');
    expect(Object.keys(doc.paths['/api/auth/logout'].post.responses)).toContain('204');
    expect(Object.keys(doc.paths['/api/v1/Report/{name}'].get.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    const params = doc.paths['/api/v1/Item'].get.parameters;
    for (const name of ['page', 'pageSize']) expect(params.find((p: { name: string }) => p.name === name).required).not.toBe(true);
    const id = doc.paths['/api/v1/Item/{partNo}'].get.parameters.find((p: { name: string }) => p.name === 'partNo');
    expect(id.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
  });

  it("a route's own error schemas win, and config.errorBody replaces the error body of the derived statuses", () => {
    const dialectError = { type: 'object', properties: { detail: { type: 'string' } } };
    const own = { type: 'object', properties: { message: { type: 'string' } } };
    const route = {
      method: 'GET',
      url: '/api/part/:pk',
      config: { access: { ruleset: 'item', action: 'view' }, errorBody: dialectError },
      handler: () => null,
    } as never;
    const out = documentRoute(route, { response: { 200: { type: 'object' }, 404: own } }) as { response: Record<string, any> };
    expect(out.response[404]).toBe(own);
    for (const status of ['400', '401', '403', '429', '500', '4XX']) expect(out.response[status].properties, status).toEqual(dialectError.properties);
    expect(out.response[403].description).toContain('permission.denied');
    expect(out.response[403].description).not.toContain('user.read_only');
    const write = documentRoute(
      { method: 'DELETE', url: '/api/v1/Item/:partNo', config: { access: { ruleset: 'item', action: 'delete' } }, handler: () => null } as never,
      {},
    ) as { response: Record<string, any> };
    expect(write.response[403].description).toContain('user.read_only');
    expect(shared(write.response[409]).properties).toEqual(ErrorBody.properties);
    const pub = documentRoute({ method: 'POST', url: '/api/auth/login', config: { access: 'public' }, handler: () => null } as never, {}) as {
      response: Record<string, any>;
    };
    expect(pub.response[401].description).toContain('none are needed');
  });

  it('?format=yaml answers the same document as YAML', async () => {
    const res = await request(t, { method: 'GET', url: '/api/schema/?format=yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('yaml');
    expect(YAML.parse(res.body)).toEqual(doc);
  });

  it('the interactive docs answer at /api-doc/ without credentials', async () => {
    const res = await request(t, { method: 'GET', url: '/api-doc/' });
    expect(res.statusCode).toBeLessThan(400);
    const page = res.statusCode === 302 ? await request(t, { method: 'GET', url: res.headers.location }) : res;
    expect(page.body).toContain('swagger');
    const json = await request(t, { method: 'GET', url: '/api-doc/json' });
    expect(json.json().openapi).toBe('3.1.0');
  });
});
