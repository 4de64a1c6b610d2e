import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { request } from '../helpers/request.js';

let t: TestApp;
let doc: any;
let size: number;

beforeAll(async () => {
  t = await startTestApp();
  const res = await request(t, { method: 'GET', url: '/api/schema/' });
  expect(res.statusCode).toBe(200);
  size = res.body.length;
  doc = res.json();
});
afterAll(() => t.close());

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, op]) => [path, m, op] as [string, string, any]),
  );

describe('the OpenAPI document', () => {
  it('documents the body of every success answer (a response schema on every route), 204 aside', () => {
    const bare: string[] = [];
    for (const [path, method, op] of operations()) {
      const success = Object.entries(op.responses as Record<string, any>).filter(([s]) => /^2\d\d$/.test(s));
      expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, answer] of success) {
        if (status === '204') continue;
        const schemas = Object.values((answer.content ?? {}) as Record<string, { schema?: unknown }>).map((m) => m.schema);
        if (!schemas.length || schemas.some((s) => s === undefined)) bare.push(`${method} ${path} ${status}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('writes each error body once, under components, and every operation refers to it', () => {
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['key', 'description', 'fields']);
    const item = doc.paths['/api/v1/Item'].get.responses;
    for (const status of ['400', '401', '403', '429', '500', '4XX'])
      expect(item[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(item['401'].description).toContain('auth.required');
    // A dialect's own error shape is shared as well, named after its tag.
    const frappe = operations().find(([, , op]) => op.tags?.includes('Frappe'))![2];
    expect(frappe.responses['403'].content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\/FrappeError/);
    const inline = JSON.stringify(doc.paths).match(/"fields":\{"description":"Field name/g) ?? [];
    expect(inline).toEqual([]);
    // Written out per answer it was about 1.5 MB; shared, well under a megabyte.
    expect(size).toBeLessThan(800_000);
  });
});
