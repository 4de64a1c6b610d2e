import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { CONSOLE_ROOT, isConsolePath } from '../../src/http/console.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { request } from '../helpers/request.js';

let t: TestApp;
beforeAll(async () => {
  // The console is built by `npm install` (prepare) / `npm run build:web`; these tests serve that build.
  if (!existsSync(`${CONSOLE_ROOT}index.html`)) throw new Error('web/dist is missing: run npm run build:web first');
  t = await startTestApp();
});
afterAll(() => t?.close());

const get = (url: string, headers: Record<string, string> = {}) => request(t, { method: 'GET', url, headers });

describe('the console is served at / and at its client-side routes', () => {
  it('answers the console HTML for / with a strict Content-Security-Policy', async () => {
    const res = await get('/', { accept: 'text/html' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<div id="root"></div>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers the same HTML for deep links (history fallback), without inline scripts', async () => {
    for (const path of ['/me', '/apps/12', '/admin/users/3?tab=credentials', '/login?next=%2Fapps']) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(200);
      expect(res.body).toContain('<div id="root"></div>');
      // Every <script> of the page is an external file from this origin.
      for (const tag of res.body.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/assets\//);
    }
  });

  it('serves the hashed assets with long-lived caching', async () => {
    const js = readdirSync(`${CONSOLE_ROOT}assets`).find((f) => f.endsWith('.js'))!;
    const res = await get(`/assets/${js}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(String(res.headers['cache-control'])).toContain('immutable');
    expect(res.body.length).toBeGreaterThan(1000);
  });

  it('serves every chunk of the code-split build: what the page loads first and every chunk the screens load later', async () => {
    const page = (await get('/')).body;
    const first = [...page.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    // The entry, React, and Mantine come first; the charts only with the Overview screen.
    expect(first.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(2);
    expect(first.some((f) => f.startsWith('charts'))).toBe(false);
    const all = readdirSync(`${CONSOLE_ROOT}assets`).filter((f) => /\.(js|css)$/.test(f));
    expect(all.some((f) => /^charts.*\.js$/.test(f))).toBe(true);
    expect(all.some((f) => /^Overview.*\.js$/.test(f))).toBe(true);
    for (const f of new Set([...first, ...all])) {
      const res = await get(`/assets/${encodeURIComponent(f)}`);
      expect(res.statusCode, f).toBe(200);
      expect(res.headers['content-type'], f).toMatch(f.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(res.headers['x-content-type-options'], f).toBe('nosniff');
    }
  });
});

describe('API paths keep their own answers', () => {
  it('unknown API, OAuth and well-known paths answer the JSON 404, never the console', async () => {
    for (const path of ['/api/v1/Nothing', '/api/nothing/', '/API/V1/nothing', '/o/nothing', '/.well-known/nothing', '/o']) {
      const res = await get(path, { accept: 'text/html' });
      expect(res.statusCode, path).toBe(404);
      expect(res.json(), path).toEqual({ error: { key: 'not_found', description: expect.stringContaining('No route'), fields: {} } });
    }
  });

  it('/api is the InvenTree server info (JSON), never the console', async () => {
    const res = await get('/api', { accept: 'text/html' });
    expect(res.json()).toMatchObject({ server: 'InvenTree' });
  });

  it('the OpenAPI document, the discovery document and the docs keep answering', async () => {
    const schema = await get('/api/schema/', { accept: 'text/html' });
    expect(schema.json().openapi).toBe('3.1.0');
    const discovery = await get('/.well-known/openid-configuration');
    expect(discovery.json().issuer).toBeTruthy();
    const docs = await get('/api-doc/');
    expect(docs.body).not.toContain('<div id="root"></div>');
  });

  it('an API call without credentials still answers 401 JSON', async () => {
    const res = await get('/api/v1/Item', { accept: 'text/html' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('auth.required');
  });

  it("a script's 401 (X-Requested-With) offers no Basic challenge, so browsers show no login prompt over the console", async () => {
    const fromScript = await get('/api/auth/session', { 'x-requested-with': 'XMLHttpRequest' });
    expect(fromScript.statusCode).toBe(401);
    expect(fromScript.json().error.key).toBe('auth.required');
    expect(fromScript.headers['www-authenticate']).toEqual(['Bearer realm="api"', 'Token realm="api"']);
    const plain = await get('/api/auth/session');
    expect(String(plain.headers['www-authenticate'])).toMatch(/^Basic realm="api"/);
  });

  it('a write to a console path is not answered with the page', async () => {
    const res = await request(t, { method: 'POST', url: '/apps', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.key).toBe('not_found');
  });
});

describe('attacks on the static files', () => {
  it('path traversal out of the build folder finds nothing', async () => {
    for (const path of [
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fsrc%2fconfig.ts',
    ]) {
      const res = await get(path);
      expect(res.body, path).not.toContain('"dependencies"');
      expect(res.body, path).not.toContain('loadConfig');
      expect(res.statusCode, path).not.toBe(500);
    }
  });

  it('a missing asset is a 404, not the page', async () => {
    const res = await get('/assets/nothing-here.js');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<div id="root"></div>');
  });

  it('classifies paths case-insensitively, as the router does', () => {
    expect(isConsolePath('/Api/v1/Item')).toBe(false);
    expect(isConsolePath('/O/token/')).toBe(false);
    expect(isConsolePath('/.WELL-KNOWN/openid-configuration')).toBe(false);
    expect(isConsolePath('/api-doc/static/index.html')).toBe(false);
    expect(isConsolePath('/apps')).toBe(true);
    expect(isConsolePath('/')).toBe(true);
  });
});
