import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { request } from '../helpers/request.js';

describe('issuer and endpoint URLs', () => {
  let pub: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    pub = await startTestApp({ env: { QM_PUBLIC_URL: 'https://inventory.example.com' } });
    plain = await startTestApp();
  });
  afterAll(async () => {
    await pub?.close();
    await plain?.close();
  });

  it('QM_PUBLIC_URL is the issuer and the base of every endpoint, however the server is reached', async () => {
    const doc = (await request(pub, { method: 'GET', url: '/.well-known/openid-configuration', headers: { host: '10.0.0.5:8000' } })).json();
    expect(doc.issuer).toBe('https://inventory.example.com');
    expect(doc.token_endpoint).toBe('https://inventory.example.com/o/token');
    expect(doc.jwks_uri).toBe('https://inventory.example.com/o/jwks');
  });

  it('ignores X-Forwarded-* sent by a client that is not a trusted proxy', async () => {
    const doc = (
      await request(plain, {
        method: 'GET',
        url: '/.well-known/openid-configuration',
        headers: { host: 'qm.local:8000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      })
    ).json();
    expect(doc.token_endpoint).toBe('http://qm.local:8000/o/token');
  });
});
