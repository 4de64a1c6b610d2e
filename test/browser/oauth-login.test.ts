import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import * as oidc from 'openid-client';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp } from '../helpers/oauth.js';
import { basic } from '../helpers/request.js';
import { screenshot } from './console-helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let REDIRECT = '';
let callback = '';
let clientSite: Server;

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  // The client's redirect_uri: a tiny site that records the callback.
  clientSite = createServer((req, res) => {
    if (req.url?.startsWith('/cb')) callback = `${REDIRECT.replace('/cb', '')}${req.url}`;
    res.end('back at the client');
  });
  await new Promise<void>((r) => clientSite.listen(0, '127.0.0.1', r));
  REDIRECT = `http://127.0.0.1:${(clientSite.address() as { port: number }).port}/cb`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  clientSite?.close();
  await t?.close();
});

describe('authorization code flow in a real browser', () => {
  it('login form → PIN → consent → redirect with code → token exchange, all by keyboard', async () => {
    const acc = await makeAccount(t);
    const owner = await acc.user({ group: 'owner', pin: '2468' });
    const app = await createApp(t, owner, { name: 'Web shop', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [REDIRECT] });
    const config = await oidc.discovery(new URL(base), app.client_id, undefined, oidc.ClientSecretBasic(app.client_secret!), {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile products:read orders:read',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });

    const page = await browser.newPage();
    await page.goto(url.toString());

    // Login page: the first field has focus; Tab to the password, Enter submits.
    await expect(page.title()).resolves.toContain('Sign in');
    expect(await page.evaluate('document.activeElement?.id')).toBe('login');
    await page.keyboard.type('wrong-user');
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong-password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#error');
    expect(await page.textContent('#error')).toContain('Wrong username or password');

    await page.fill('#login', owner.email);
    await page.focus('#password');
    await page.keyboard.type(owner.password);
    await page.keyboard.press('Enter');

    // PIN step
    await page.waitForSelector('#pin');
    expect(await page.evaluate('document.activeElement?.id')).toBe('pin');
    await page.keyboard.type('2468');
    await page.keyboard.press('Enter');

    // Consent: scopes in plain words, "Allow" focused
    await page.waitForSelector('ul.scopes');
    await screenshot(page, 'oauth-consent');
    const text = await page.textContent('ul.scopes');
    expect(text).toContain('Read products');
    expect(text).toContain('Read orders');
    expect(await page.evaluate('document.activeElement?.value')).toBe('allow');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.toString().startsWith(REDIRECT));

    expect(callback).toContain('code=');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()!.sub).toBe(String(owner.id));
    const res = await fetch(`${base}/api/v1/Item`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(200);
    await page.close();
  });

  it('superusers manage applications at /o/applications/ by keyboard', async () => {
    const acc = await makeAccount(t, 'Admin store');
    const su = await acc.user({ group: 'owner', superuser: true });
    const app = await createApp(t, su, { name: 'Nightly ERP', grant_types: ['client_credentials'] });
    // (extraHTTPHeaders rather than httpCredentials: chromium does not answer the API's one combined
    // WWW-Authenticate header listing Bearer, Token and Basic.)
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: basic(su.username, su.password) } });
    const page = await context.newPage();
    await page.goto(`${base}/o/applications/`);
    await expect(page.title()).resolves.toContain('Applications');
    const row = page.locator('tr', { hasText: app.client_id });
    await expect.poll(() => row.locator('.state').textContent(), { timeout: 10_000 }).toBe('active');
    await row.getByRole('button', { name: 'Disable Nightly ERP' }).focus();
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('tr', { hasText: app.client_id }).locator('.state').textContent(), { timeout: 10_000 }).toBe('disabled');
    await context.close();
  });
});
