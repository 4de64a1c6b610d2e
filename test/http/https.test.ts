import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../src/db/schema/index.js';
import { makeAccount, PASSWORD, personalToken, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

const REMOTE = '203.0.113.5';

describe('credentials over plain HTTP (no proxy configured)', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    u = await (await makeAccount(t)).user({ pin: '1234' });
  });
  afterAll(() => t.close());

  it('from a non-loopback address: 403 https.required for every way of sending credentials', async () => {
    const token = await personalToken(t, u);
    const attempts = [
      { method: 'GET' as const, url: '/api/user/me/', headers: { authorization: basic(u.username, PASSWORD) } },
      { method: 'GET' as const, url: '/api/user/me/', headers: { authorization: `Token ${token}` } },
      { method: 'GET' as const, url: '/api/user/me/', headers: { cookie: 'qm_session=qm_ses_x' } },
      { method: 'POST' as const, url: '/api/auth/login', payload: { username: u.username, password: PASSWORD } },
      { method: 'POST' as const, url: '/api/auth/pin', payload: { pin_token: 'qm_pin_x', pin: '1234' } },
    ];
    for (const a of attempts) {
      const res = await request(t, { ...a, remoteAddress: REMOTE });
      expect(res.statusCode, a.url).toBe(403);
      expect(res.json().error.key).toBe('https.required');
    }
    // No password was checked: nothing was counted against the user.
    expect((await request(t, { method: 'GET', url: '/api/user/me/', auth: basic(u.username, PASSWORD) })).statusCode).toBe(200);
  });

  it('a login over plain HTTP is refused before its body is even parsed (a broken body still gets 403)', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: REMOTE,
      headers: { 'content-type': 'application/json' },
      payload: '{"password":',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.key).toBe('https.required');
  });

  it('without credentials the answer is the usual 401', async () => {
    const res = await request(t, { method: 'GET', url: '/api/user/me/', remoteAddress: REMOTE });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('auth.required');
  });

  it('loopback (IPv4 and IPv6) is allowed', async () => {
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const res = await request(t, { method: 'GET', url: '/api/user/me/', remoteAddress, auth: basic(u.username, PASSWORD) });
      expect(res.statusCode, remoteAddress).toBe(200);
    }
  });

  it('X-Forwarded-Proto from an untrusted peer is ignored', async () => {
    const res = await request(t, {
      method: 'GET',
      url: '/api/user/me/',
      remoteAddress: REMOTE,
      headers: { authorization: basic(u.username, PASSWORD), 'x-forwarded-proto': 'https' },
    });
    expect(res.json().error.key).toBe('https.required');
  });
});

describe('behind a trusted proxy (QM_TRUST_PROXY)', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await startTestApp({ env: { QM_TRUST_PROXY: '10.0.0.0/8' } });
    u = await (await makeAccount(t)).user();
  });
  afterAll(() => t.close());

  const viaProxy = (proto: string | undefined, extra: Record<string, string> = {}) =>
    request(t, {
      method: 'GET',
      url: '/api/user/me/',
      remoteAddress: '10.1.2.3',
      headers: { authorization: basic(u.username, PASSWORD), 'x-forwarded-for': REMOTE, ...(proto ? { 'x-forwarded-proto': proto } : {}), ...extra },
    });

  it('X-Forwarded-Proto: https → allowed', async () => {
    expect((await viaProxy('https')).statusCode).toBe(200);
    expect((await viaProxy('HTTPS, http')).statusCode).toBe(200);
  });

  it('X-Forwarded-Proto: http or missing → 403 https.required', async () => {
    for (const proto of ['http', undefined, 'http, https']) {
      const res = await viaProxy(proto);
      expect(res.statusCode, String(proto)).toBe(403);
      expect(res.json().error.key).toBe('https.required');
    }
  });

  it('login through the proxy over https works and is audited with the client address', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/auth/login?token=1',
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-for': REMOTE, 'x-forwarded-proto': 'https' },
      payload: { username: u.username, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    await t.services.audit.flush();
    const [row] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, u.id), eq(auditLog.event, 'login')));
    expect(row?.ip).toBe(REMOTE);
  });
});

describe('TLS served directly (QM_TLS_CERT / QM_TLS_KEY)', () => {
  let t: TestApp;
  let u: TestUser;
  let dir: string;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'qm-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], {
      stdio: 'ignore',
    });
    t = await startTestApp({ env: { QM_TLS_CERT: cert, QM_TLS_KEY: key } });
    u = await (await makeAccount(t)).user();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function get(url: string, headers: Record<string, string>) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: string; encrypted: boolean }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: url, headers, rejectUnauthorized: false }, (res) => {
        let body = '';
        const encrypted = Boolean((res.socket as { encrypted?: boolean }).encrypted);
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, encrypted }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves HTTPS with Strict-Transport-Security, and credentials are accepted over it', async () => {
    const res = await get('/api/user/me/', { authorization: basic(u.username, PASSWORD) });
    expect(res.encrypted).toBe(true);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).username).toBe(u.username);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const anon = await get('/api/user/me/', {});
    expect(anon.status).toBe(401);
    expect(anon.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
