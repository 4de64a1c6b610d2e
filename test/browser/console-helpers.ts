import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { PASSWORD, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';

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
