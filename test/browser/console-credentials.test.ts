import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount } from '../helpers/app.js';
import { logIn, screenshot, startConsole } from './console-helpers.js';

let c: Awaited<ReturnType<typeof startConsole>>;
beforeAll(async () => {
  c = await startConsole();
});
afterAll(() => c?.close());

describe('seed 002 in the console: My Apps, an app, a token, then the app deleted', () => {
  it('logs in with password and PIN, creates an app with "+", generates a token that works on the API until the app is deleted', async () => {
    const acc = await makeAccount(c.t, 'Corner shop');
    const owner = await acc.user({ group: 'owner', pin: '2468' });
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 800 } });

    // A wrong password first: the API's answer, in words.
    await page.goto(`${c.base}/apps`);
    await page.getByLabel('Username or email').fill(owner.email);
    await page.getByLabel(/^Password\b/).fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username, email, password or PIN' }).waitFor();
    await screenshot(page, 'login');
    await page.getByLabel(/^Password\b/).fill(owner.password);
    await page.keyboard.press('Enter');
    await page.getByLabel(/^PIN\b/).fill('2468');
    await page.keyboard.press('Enter');

    // Back where we were going: My apps. Name the app and press "+".
    await page.getByRole('heading', { name: 'My apps' }).waitFor();
    await page.getByLabel('App name').fill('Locamo.de');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('heading', { name: 'Locamo.de' }).waitFor();
    const clientId = await page.locator('[data-secret="Client ID"]').textContent();
    const clientSecret = await page.locator('[data-secret="Client Secret"]').textContent();
    expect(clientId).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(clientSecret).toMatch(/^qm_cs_/);

    // Generate a token: scopes chosen from what I have, in words.
    await page.getByRole('button', { name: 'Generate token' }).click();
    await page.getByLabel('Token name').fill('agency');
    await page.getByLabel('Read products').check();
    await page.getByLabel('Read orders').check();
    await screenshot(page, 'app-token-scopes');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const issued = page.getByRole('dialog', { name: 'Token “agency”' });
    const access = await issued.locator('[data-secret="Access Token"]').textContent();
    const refresh = await page.locator('[data-secret="Refresh Token"]').textContent();
    expect(access).toBeTruthy();
    expect(refresh).toBeTruthy();
    await issued.getByText('it is valid for 24 hours').waitFor();
    await screenshot(page, 'app-token');
    await issued.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('table', { name: 'App tokens' }).getByText('agency').waitFor();

    // The token on the API (seed 002's standard query, on the native path).
    const ok = await fetch(`${c.base}/api/v1/Item?page=1&pageSize=10`, { headers: { accept: 'application/json', authorization: `Bearer ${access}` } });
    expect(ok.status).toBe(200);
    // …and its scope is what was chosen: no writes.
    const write = await fetch(`${c.base}/api/v1/Item`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access}` },
      body: JSON.stringify({ shortID: 'X1', description: 'x' }),
    });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { error: { key: string } }).error.key).toBe('scope.wrong');
    // The refresh token works with the client's credentials (and rotates).
    const refreshed = await fetch(`${c.base}/api/auth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: `grant_type=refresh_token&refresh_token=${refresh}`,
    });
    expect(refreshed.status).toBe(200);
    const newAccess = ((await refreshed.json()) as { access_token: string }).access_token;

    // Delete the app: every token it issued is refused.
    await page.getByRole('button', { name: 'Delete app' }).click();
    await page.getByRole('dialog', { name: 'Delete “Locamo.de”?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'My apps' }).waitFor();
    await page.getByRole('table', { name: 'Apps' }).getByText('No apps yet.').waitFor();
    for (const token of [access, newAccess]) {
      const refused = await fetch(`${c.base}/api/v1/Item?page=1&pageSize=10`, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(401);
    }
    await page.close();
  });
});

describe('seed 004 in the console: API Access → Generate Keys', () => {
  it('shows the secret once in a popup, keeps the key visible, and regenerating voids the old secret', async () => {
    const acc = await makeAccount(c.t, 'Key store');
    const clerk = await acc.user({ group: 'staff' });
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, clerk);
    await page.getByRole('link', { name: 'Me', exact: true }).click();
    const section = page.getByRole('region', { name: 'API Access' });
    await section.getByText('No API key yet').waitFor();
    await section.getByRole('button', { name: 'Generate Keys' }).click();
    const dialog = page.getByRole('dialog', { name: 'API Secret' });
    const secret1 = await dialog.locator('[data-secret="API Secret"]').textContent();
    expect(secret1).toMatch(/^qm_sec_/);
    await screenshot(page, 'api-secret');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const key = await section.getByLabel('API Key').inputValue();
    expect(key).toMatch(/^qm_key_/);
    expect(await page.content()).not.toContain(secret1!); // shown once: gone from the page

    const who = (secret: string) => fetch(`${c.base}/api/method/frappe.auth.get_logged_user`, { headers: { authorization: `token ${key}:${secret}` } });
    const first = await who(secret1!);
    expect(await first.json()).toEqual({ message: clerk.username });

    await section.getByRole('button', { name: 'Regenerate secret' }).click();
    const secret2 = await page.getByRole('dialog', { name: 'API Secret' }).locator('[data-secret="API Secret"]').textContent();
    expect(secret2).not.toBe(secret1);
    await page.getByRole('dialog', { name: 'API Secret' }).getByRole('button', { name: 'Done' }).click();
    expect(await section.getByLabel('API Key').inputValue()).toBe(key);
    expect((await who(secret1!)).status).toBe(401);
    expect(await (await who(secret2!)).json()).toEqual({ message: clerk.username });

    // A personal token made on the same screen, shown once, listed by name.
    await page.getByLabel('Token name').fill('nightly');
    await page.getByRole('button', { name: 'Create token' }).click();
    const made = page.getByRole('dialog', { name: 'Token “nightly”' });
    const pat = await made.locator('[data-secret="Token"]').textContent();
    await made.getByRole('button', { name: 'Done' }).click();
    const me = await fetch(`${c.base}/api/user/me/`, { headers: { authorization: `Token ${pat}` } });
    expect(((await me.json()) as { username: string }).username).toBe(clerk.username);
    await page.reload();
    await page.getByRole('table', { name: 'Personal tokens' }).getByText('nightly').waitFor();
    await screenshot(page, 'me');
    await page.close();
  });
});
