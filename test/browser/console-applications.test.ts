import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';
import { choose, logIn, screenshot, startConsole } from './console-helpers.js';

let c: Awaited<ReturnType<typeof startConsole>>;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let su: TestUser;
let admin: TestUser;
let north: { id: number; code: string };
let south: { id: number; code: string };
let erp: { id: number; client_id: string; client_secret: string; integration_user_id: number };
let shop: { id: number; client_id: string };
let erpSecret: string;

async function call(u: TestUser, method: string, url: string, payload?: object) {
  return request(c.t, { method: method, url, headers: { authorization: basic(u.username, u.password) }, payload });
}
async function ccToken(clientId: string, secret: string) {
  return fetch(`${c.base}/api/v1/Token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
}

beforeAll(async () => {
  c = await startConsole();
  acc = await makeAccount(c.t, 'Harbour Supplies');
  su = await acc.user({ group: 'owner', superuser: true });
  admin = await acc.user({ group: 'owner' });
  north = await acc.warehouse('NORTH');
  south = await acc.warehouse('SOUTH');
  erp = (await call(admin, 'POST', '/api/v1/App', { name: 'Nightly ERP', grant_types: ['client_credentials'] })).json();
  shop = (await call(admin, 'POST', '/api/v1/App', { name: 'Web shop', grant_types: ['refresh_token'] })).json();
  await request(c.t, { method: 'GET', url: '/.well-known/openid-configuration' }); // the instance-wide PKCE client
});
afterAll(() => c?.close());

describe('All applications (superusers)', () => {
  it("lists the account's apps and the instance-wide client; rotates a secret (shown once) and deletes an app", async () => {
    // One request with the ERP's token, so the screen has a last use to show.
    const token = ((await (await ccToken(erp.client_id, erp.client_secret)).json()) as { access_token: string }).access_token;
    await fetch(`${c.base}/api/v1/Item`, { headers: { authorization: `Bearer ${token}` } });
    await c.t.services.audit.flush();
    const page = await c.browser.newPage({ viewport: { width: 1366, height: 860 } });
    await logIn(page, c.base, su);
    await page.getByRole('link', { name: 'All applications' }).click();
    const table = page.getByRole('table', { name: 'All applications' });
    const erpRow = table.getByRole('row', { name: /Nightly ERP/ });
    await erpRow.waitFor();
    await expect
      .poll(() => erpRow.textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`${admin.username}.*runs as its integration user.*client_credentials`));
    await expect(erpRow.textContent()).resolves.not.toContain('last used never');
    await expect.poll(() => table.getByRole('row', { name: /Web shop/ }).textContent(), { timeout: 10_000 }).toContain('last used never');
    const instance = table.getByRole('row', { name: /Default public client/ });
    await expect.poll(() => instance.textContent(), { timeout: 10_000 }).toContain('instance-wide');
    await expect(instance.getByRole('button', { name: /^Delete / }).isDisabled()).resolves.toBe(true);
    await expect(instance.getByRole('button', { name: /^Rotate secret/ }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'all-applications');

    // Rotate: the new secret is shown once, works, and the old one no longer does.
    await erpRow.getByRole('button', { name: 'Rotate secret of Nightly ERP' }).click();
    const dialog = page.getByRole('dialog', { name: 'New client secret for “Nightly ERP”' });
    const secret = (await dialog.locator('[data-secret="Client Secret"]').textContent())!.trim();
    expect(secret).toMatch(/^qm_cs_/);
    await screenshot(page, 'all-applications-secret');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await ccToken(erp.client_id, secret)).status).toBe(200);
    expect((await ccToken(erp.client_id, erp.client_secret)).status).toBe(401);
    erpSecret = secret;

    // Delete, after confirming.
    await table.getByRole('button', { name: 'Delete Web shop' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete “Web shop”?' });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await table.getByRole('row', { name: /Web shop/ }).waitFor({ state: 'detached' });
    expect((await call(admin, 'GET', `/api/v1/App/${shop.id}`)).statusCode).toBe(404);
    expect((await call(admin, 'GET', `/api/v1/App/${erp.id}`)).statusCode).toBe(200);
    await page.close();
  });

  it('a plain admin has no such screen: no menu entry, and the address says it is for superusers', async () => {
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await logIn(page, c.base, admin);
    await page.getByRole('link', { name: 'My apps' }).waitFor();
    await expect(page.getByRole('link', { name: 'All applications' }).count()).resolves.toBe(0);
    await page.goto(`${c.base}/admin/applications`);
    await page.getByText('Only superusers manage every application.').waitFor();
    await expect(page.getByRole('table', { name: 'All applications' }).count()).resolves.toBe(0);
    await page.close();
  });
});

describe('Integration users', () => {
  it("shows the client-credentials app's user; an admin limits its warehouses and its tokens follow", async () => {
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 860 } });
    await logIn(page, c.base, admin);
    await page.getByRole('link', { name: 'Integration users' }).click();
    const table = page.getByRole('table', { name: 'Integration users' });
    const row = table.getByRole('row', { name: /Nightly ERP/ });
    await row.waitFor();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`Nightly ERP.*app-${erp.client_id}.*none.*all.*active`));
    await expect(table.getByRole('row', { name: /Web shop/ }).count()).resolves.toBe(0);

    const bearer = async () => ({
      authorization: `Bearer ${((await (await ccToken(erp.client_id, erpSecret)).json()) as { access_token: string }).access_token}`,
    });
    const before = await bearer();
    expect((await fetch(`${c.base}/api/v1/Item`, { headers: before })).status).toBe(403);

    await row.getByRole('button', { name: 'Edit access of Nightly ERP' }).click();
    const dialog = page.getByRole('dialog', { name: 'Access of “Nightly ERP”' });
    await choose(page, dialog.getByLabel('Groups'), 'staff');
    await choose(page, dialog.getByLabel('Warehouses'), /NORTH/);
    await screenshot(page, 'integration-user-access');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await table.getByRole('row', { name: /Nightly ERP.*staff.*NORTH/ }).waitFor();
    await screenshot(page, 'integration-users');

    const user = (await call(admin, 'GET', `/api/v1/User/${erp.integration_user_id}`)).json();
    expect(user).toMatchObject({ kind: 'integration', warehouseIds: [north.id], groups: [{ name: 'staff' }] });
    // The app's client-credentials tokens act with the new access: items now, and stock in NORTH only.
    const after = await bearer();
    expect((await fetch(`${c.base}/api/v1/Item`, { headers: after })).status).toBe(200);
    const stock = await fetch(`${c.base}/api/v1/Inventory?wID=${south.id}`, { headers: after });
    expect(stock.status).toBe(403);
    await page.close();
  });
});

describe('the admin screens at a phone’s width', () => {
  it('All applications and Integration users do not overflow sideways', async () => {
    const page = await c.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await logIn(page, c.base, su);
    for (const path of ['/admin/applications', '/admin/integration-users']) {
      await page.goto(`${c.base}${path}`);
      await page.getByRole('table').first().waitFor();
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), path).toBeLessThanOrEqual(391);
    }
    await page.close();
  });
});
