import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('browsable API with QM_DEBUG on', () => {
  let t: TestApp;
  let u: TestUser;
  let auth: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { QM_DEBUG: 'true' } });
    const acct = await makeAccount(t);
    u = await acct.user();
    auth = basic(u.username, u.password);
  });
  afterAll(() => t.close());

  it('a browser gets the JSON as a readable HTML page with method, URL and status', async () => {
    const res = await request(t, { method: 'GET', url: '/api/v1/User?page=1&pageSize=5', headers: { authorization: auth, accept: BROWSER_ACCEPT } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('<!doctype html>');
    expect(res.body).toContain('GET /api/v1/User?page=1&amp;pageSize=5');
    expect(res.body).toContain('HTTP <span class="status">200</span>');
    expect(res.body).toContain(u.username);
    expect(res.body).toContain('&quot;totalCount&quot;</span>: 1');
  });

  it('errors render too, with their status', async () => {
    const res = await request(t, { method: 'GET', url: '/api/v1/Item', headers: { accept: BROWSER_ACCEPT } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('auth.required');
    expect(res.body).toContain('HTTP <span class="status">401</span>');
  });

  it('escapes values: a stored <script> stays text, only http(s) and site paths become links', async () => {
    const make = (description: string) =>
      request(t, { method: 'POST', url: '/api/v1/Item', auth: auth, payload: { shortID: `X${Math.random()}`, description } });
    const evil = (await make('<script>alert("pwned")</script><img src=x onerror=alert(1)>')).json();
    const res = await request(t, { method: 'GET', url: `/api/v1/Item/${evil.partNo}`, headers: { authorization: auth, accept: BROWSER_ACCEPT } });
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('<img');
    expect(res.body).toContain('&lt;script&gt;alert(\\&quot;pwned\\&quot;)&lt;/script&gt;');

    const linked = (await make('https://example.com/a?b=1&c=2')).json();
    const page = await request(t, { method: 'GET', url: `/api/v1/Item/${linked.partNo}`, headers: { authorization: auth, accept: BROWSER_ACCEPT } });
    expect(page.body).toContain('<a href="https://example.com/a?b=1&amp;c=2">');

    const js = (await make('javascript:alert(1)')).json();
    const jsPage = await request(t, { method: 'GET', url: `/api/v1/Item/${js.partNo}`, headers: { authorization: auth, accept: BROWSER_ACCEPT } });
    expect(jsPage.body).not.toContain('href="javascript');
  });

  it('the URL itself is escaped in the page', async () => {
    const res = await request(t, { method: 'GET', url: '/api/v1/Item?x=%3Cscript%3E<script>', headers: { authorization: auth, accept: BROWSER_ACCEPT } });
    expect(res.body).not.toContain('<script>');
  });

  it('JSON clients (application/json, */*, no Accept) still get JSON', async () => {
    for (const accept of ['application/json', '*/*', undefined, 'application/json, text/html;q=0.5']) {
      const res = await request(t, { method: 'GET', url: '/api/v1/Item', headers: { authorization: auth, ...(accept ? { accept } : {}) } });
      expect(res.headers['content-type'], String(accept)).toContain('application/json');
      expect(res.json()).toMatchObject({ page: 1 });
    }
  });
});

describe('browsable API with debug off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a browser gets plain JSON', async () => {
    const res = await request(t, { method: 'GET', url: '/api/v1/Item', headers: { accept: BROWSER_ACCEPT } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json().error.key).toBe('auth.required');
  });
});
