import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { makeAccount, PASSWORD, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The real server on a loopback port and Debian's chromium. */
export async function startConsole() {
  const t: TestApp = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  return {
    t,
    base,
    browser,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/**
 * Screenshots for the README: written to docs/ when QM_SCREENSHOTS=1 (to refresh the committed ones), else to a
 * temporary folder so a test run leaves the work tree alone.
 */
const SHOTS = process.env.QM_SCREENSHOTS === '1' ? join(process.cwd(), 'docs') : join(tmpdir(), 'qm-console-shots');
mkdirSync(SHOTS, { recursive: true });
export async function screenshot(page: Page, name: string) {
  await page.waitForTimeout(350); // let transitions (modals, charts) settle
  await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: false });
}

/** Logs in through the console's form (and the PIN step when `pin` is given); lands on the first screen. */
export async function logIn(page: Page, base: string, user: TestUser, pin?: string) {
  await page.goto(`${base}/`);
  await page.getByLabel('Username or email').fill(user.email);
  await page.getByLabel(/^Password\b/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  if (pin) {
    await page.getByLabel(/^PIN\b/).fill(pin);
    await page.getByRole('button', { name: 'Confirm PIN' }).click();
  }
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** Picks options in a Mantine multi-select (the field opens a list; Escape closes it, not the dialog around it). */
export async function choose(page: Page, field: Locator, ...options: (string | RegExp)[]) {
  await field.click();
  for (const name of options) await page.getByRole('option', { name }).click();
  await page.keyboard.press('Escape');
}

/**
 * The store the console's flows run in: "Harbour Supplies" with an owner, warehouses NORTH and SOUTH, and three
 * items received into both (spots A-01 and B-07). `part` maps each SKU to its part number.
 */
export async function harbourSupplies(c: { t: TestApp }) {
  const acc = await makeAccount(c.t, 'Harbour Supplies');
  const admin = await acc.user({ group: 'owner' });
  const north = await acc.warehouse('NORTH');
  const south = await acc.warehouse('SOUTH');
  const call = async (method: string, url: string, payload?: object) => {
    const res = await request(c.t, { method, url, auth: basic(admin.username, admin.password), payload });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const part: Record<string, number> = {};
  for (const [sku, desc, units] of [
    ['ROPE-12', 'Mooring rope 12 mm', '40'],
    ['BUOY-S', 'Fender buoy, small', '12'],
    ['CLEAT-200', 'Stainless cleat 200 mm', '25'],
  ] as const) {
    const item = await call('POST', '/api/v1/Item', { shortID: sku, description: desc, unit: 'pcs', price: '19.90', cost: '9.50', reorderPoint: '10' });
    part[sku] = item.partNo;
    await call('POST', '/api/v1/Inventory/Receive', { partNo: item.partNo, wID: north.id, spot: 'A-01', units });
    await call('POST', '/api/v1/Inventory/Receive', { partNo: item.partNo, wID: south.id, spot: 'B-07', units: '5' });
  }
  return { acc, admin, north, south, part };
}
