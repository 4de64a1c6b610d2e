import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { makeAccount, personalToken, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';
import { choose, harbourSupplies, logIn, screenshot, startConsole } from './console-helpers.js';

let c: Awaited<ReturnType<typeof startConsole>>;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let admin: TestUser;
let north: { id: number; code: string };

async function call(method: string, url: string, payload?: object) {
  const res = await request(c.t, { method, url, auth: basic(admin.username, admin.password), payload });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

beforeAll(async () => {
  c = await startConsole();
  ({ acc, admin, north } = await harbourSupplies(c));
});
afterAll(() => c?.close());

describe('an admin creates a read-only user limited to one warehouse, who sees exactly that', () => {
  it('creates the user in the Users screen; the user sees one warehouse and disabled actions', async () => {
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await logIn(page, c.base, admin);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username').fill('dockhand');
    await dialog.getByLabel('Email').fill('dockhand@harbour.test');
    await dialog.getByLabel(/^Password\b/).fill('a long dock password');
    await choose(page, dialog.getByLabel('Groups'), 'staff');
    await choose(page, dialog.getByLabel('Warehouses'), /NORTH/);
    await dialog.getByLabel('Read-only').check();
    await screenshot(page, 'new-user');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const row = page.getByRole('row', { name: /dockhand/ });
    await row.waitFor();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/staff.*#\d+.*read-only/);
    await screenshot(page, 'users');

    // What the API now says about the user.
    const list = await call('GET', '/api/v1/User?q=dockhand');
    expect(list.value[0]).toMatchObject({ username: 'dockhand', readOnly: true, warehouseIds: [north.id], groups: [{ name: 'staff' }] });
    await page.getByRole('button', { name: 'Log out' }).click();

    // The new user's view.
    await page.getByLabel('Username or email').fill('dockhand');
    await page.getByLabel(/^Password\b/).fill('a long dock password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Stock' }).click();
    const levels = page.getByRole('table', { name: 'Stock levels' });
    await levels.getByText('ROPE-12').waitFor();
    const text = await levels.textContent();
    expect(text).toContain('NORTH');
    expect(text).not.toContain('SOUTH');
    await expect(page.getByRole('button', { name: 'Receive', exact: true }).isDisabled()).resolves.toBe(true);
    await expect(page.getByLabel('Warehouse', { exact: true }).textContent()).resolves.not.toContain('SOUTH');
    await screenshot(page, 'stock-read-only');
    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('table', { name: 'Items' }).getByText('BUOY-S').waitFor();
    await expect(page.getByRole('button', { name: 'New item' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Edit BUOY-S' }).isDisabled()).resolves.toBe(true);
    // No admin screens in the menu for a staff member.
    await expect(page.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    await page.close();
  });
});

describe('an admin revokes a credential and disables a user', () => {
  it('the revoked token and then every credential of the disabled user are refused', async () => {
    const clerk = await acc.user({ group: 'staff' });
    const token = await personalToken(c.t, clerk, 'till-3');
    const spare = await personalToken(c.t, clerk, 'spare');
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, admin);
    await page.goto(`${c.base}/admin/users/${clerk.id}`);
    const tokens = page.getByRole('table', { name: 'Their personal tokens' });
    await tokens.getByText('till-3').waitFor();
    await screenshot(page, 'user-detail');
    await tokens.getByRole('button', { name: 'Revoke token till-3' }).click();
    await tokens.getByText('till-3').waitFor({ state: 'detached' });
    const revoked = await fetch(`${c.base}/api/v1/Item`, { headers: { authorization: `Token ${token}` } });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { error: { key: string } }).error.key).toBe('token.invalid');
    expect((await fetch(`${c.base}/api/v1/Item`, { headers: { authorization: `Token ${spare}` } })).status).toBe(200);

    await page.getByRole('button', { name: 'Disable user' }).click();
    await page.getByRole('button', { name: 'Enable user' }).waitFor();
    const disabled = await fetch(`${c.base}/api/v1/Item`, { headers: { authorization: `Token ${spare}` } });
    expect(disabled.status).toBe(401);
    expect(((await disabled.json()) as { error: { key: string } }).error.key).toBe('user.disabled');
    // The admin cannot disable themselves: the button says so instead of failing.
    await page.goto(`${c.base}/admin/users/${admin.id}`);
    await expect(page.getByRole('button', { name: 'Disable user' }).isDisabled()).resolves.toBe(true);
    await page.close();
  });
});

describe('reports and the overview', () => {
  it('downloads a report as CSV', async () => {
    const context = await c.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await logIn(page, c.base, admin);
    await page.getByRole('link', { name: 'Reports' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download Stock levels (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('stock-levels.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/sku|shortID/i);
    expect(lines.filter((l) => l.includes('ROPE-12'))).toHaveLength(2); // NORTH and SOUTH
    await screenshot(page, 'reports');
    await context.close();
  });

  it('the requests chart shows requests that were just made', async () => {
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, admin);
    const key = await call('POST', '/api/user/apikey/');
    for (let i = 0; i < 7; i++) await fetch(`${c.base}/api/v1/Item`, { headers: { authorization: `token ${key.api_key}:${key.api_secret}` } });
    await c.t.services.audit.flush();
    const before = (await call('GET', '/api/v1/AuditLog/Summary')).requests.reduce((n: number, r: { apikey: number }) => n + r.apikey, 0);
    expect(before).toBe(7);
    // Admins land on the overview; it was drawn before these requests, so refresh it.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    const chart = page.getByLabel('API requests over time by credential kind');
    await chart.locator('.recharts-area').first().waitFor();
    const total = Number(await chart.getAttribute('data-total'));
    expect(total).toBeGreaterThanOrEqual(7);
    // The API key's area is drawn, and the busiest credentials name it.
    const busiest = page.getByRole('table', { name: 'Busiest credentials' });
    const keyRow = busiest.getByRole('row', { name: /API key/ });
    await keyRow.waitFor();
    await expect.poll(() => keyRow.getByRole('cell').last().textContent(), { timeout: 10_000 }).toBe('7');
    await screenshot(page, 'overview');
    await page.close();
  });
});

describe('at a phone’s width', () => {
  it('the menu folds behind a button and pages do not overflow sideways', async () => {
    const page = await c.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await logIn(page, c.base, admin);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Me', exact: true }).click();
    await page.getByRole('heading', { name: 'Me' }).waitFor();
    for (const path of ['/me', '/admin/users', '/stock']) {
      await page.goto(`${c.base}${path}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), path).toBeLessThanOrEqual(391);
    }
    await screenshot(page, 'phone');
    await page.close();
  });
});
