import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeAccount, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';
import { harbourSupplies, logIn, screenshot, startConsole } from './console-helpers.js';

let c: Awaited<ReturnType<typeof startConsole>>;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let admin: TestUser;
let north: { id: number; code: string };
let south: { id: number; code: string };
let part: Record<string, number>;

async function call(method: string, url: string, payload?: object) {
  const res = await request(c.t, { method: method, url, headers: { authorization: basic(admin.username, admin.password) }, payload });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

/** On hand and reserved of an item in a warehouse, as the API reports them. */
async function level(sku: string, wID: number) {
  const page = await call('GET', `/api/v1/Inventory/StockLevels?wID=${wID}&partNo=${part[sku]}`);
  return { onHand: Number(page.value[0]?.onHand ?? 0), reserved: Number(page.value[0]?.reserved ?? 0) };
}

/** Picks an option of a searchable select (item or customer picker) by typing into it. */
async function pick(page: Page, scope: Page | ReturnType<Page['getByRole']>, label: string, text: string, option: RegExp) {
  const input = scope.getByRole('combobox', { name: label });
  await input.click();
  await input.fill(text);
  await page.getByRole('option', { name: option }).click();
}

beforeAll(async () => {
  c = await startConsole();
  ({ acc, admin, north, south, part } = await harbourSupplies(c));
  await call('POST', '/api/v1/Customer', { name: 'Anchor Marine', email: 'orders@anchor.test' });
  await call('POST', '/api/v1/Customer', { name: 'Bayside Boats' });
});
afterAll(() => c?.close());

describe('sales orders', () => {
  it('creates an order with the item picker, confirms it (stock reserved) and ships it (stock goes down)', async () => {
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, admin);
    await page.getByRole('link', { name: 'Sales orders' }).click();
    await page.getByRole('button', { name: 'New order' }).click();
    const dialog = page.getByRole('dialog', { name: 'New sales order' });
    await pick(page, dialog, 'Customer', 'anch', /Anchor Marine/);
    await dialog.getByLabel('Ships from').selectOption({ label: `NORTH · Warehouse NORTH` });
    await dialog.getByLabel('Reference').fill('PO-7781');
    await pick(page, dialog, 'Item, line 1', 'mooring', /ROPE-12 · Mooring rope/);
    await dialog.getByLabel('Units, line 1').fill('4');
    await dialog.getByRole('button', { name: 'Add line' }).click();
    // The second line by keyboard only: type, arrow down to the match, Enter, Tab to the units.
    const second = dialog.getByRole('combobox', { name: 'Item, line 2' });
    await second.focus();
    await page.keyboard.type('buoy');
    await page.getByRole('option', { name: /BUOY-S/ }).waitFor();
    await page.getByRole('option', { name: /ROPE-12/ }).waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(second.inputValue()).resolves.toBe('BUOY-S · Fender buoy, small');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('2.5');
    await expect(dialog.getByLabel('Units, line 2').inputValue()).resolves.toBe('2.5');
    await screenshot(page, 'order-new');
    await dialog.getByRole('button', { name: 'Create order' }).click();

    const heading = page.getByRole('heading', { name: /Sales order #\d+/ });
    await heading.waitFor();
    const orderID = Number(/#(\d+)/.exec((await heading.textContent())!)![1]);
    const order = await call('GET', `/api/v1/SalesOrder/${orderID}`);
    expect(order).toMatchObject({ status: 'draft', wID: north.id, reference: 'PO-7781' });
    expect(order.lines.map((l: { partNo: number; units: string }) => [l.partNo, Number(l.units)])).toEqual([
      [part['ROPE-12'], 4],
      [part['BUOY-S'], 2.5],
    ]);
    const customers = await call('GET', '/api/v1/Customer?q=Anchor');
    expect(order.customerID).toBe(customers.value[0].customerID);
    const lines = page.getByRole('table', { name: 'Order lines' });
    await lines.getByText('ROPE-12').waitFor();

    await page.getByRole('button', { name: `Confirm #${orderID}` }).click();
    await page.getByRole('button', { name: `Ship #${orderID}` }).waitFor();
    expect(await level('ROPE-12', north.id)).toEqual({ onHand: 40, reserved: 4 });
    await expect.poll(() => lines.getByRole('row', { name: /ROPE-12/ }).textContent(), { timeout: 10_000 }).toMatch(/4\.0000.*4\.0000/);

    await page.getByRole('button', { name: `Ship #${orderID}` }).click();
    await page.getByText('shipped', { exact: true }).first().waitFor();
    await expect(page.getByRole('button', { name: `Cancel order #${orderID}` }).count()).resolves.toBe(0);
    expect(await level('ROPE-12', north.id)).toEqual({ onHand: 36, reserved: 0 });
    expect(await level('BUOY-S', north.id)).toEqual({ onHand: 9.5, reserved: 0 });
    expect(await level('ROPE-12', south.id)).toEqual({ onHand: 5, reserved: 0 });
    expect((await call('GET', `/api/v1/SalesOrder/${orderID}`)).history.map((h: { to: string }) => h.to)).toEqual(['draft', 'confirmed', 'shipped']);
    await screenshot(page, 'order');

    // The list shows it with its customer and warehouse; the status filter finds it.
    await page.getByRole('link', { name: '← All sales orders' }).click();
    await page.getByLabel('Status').selectOption('shipped');
    const row = page.getByRole('table', { name: 'Sales orders' }).getByRole('row', { name: new RegExp(`#${orderID}\\b`) });
    // Customer names arrive after the rows (one look-up per customer): wait for the row to show it, then read it.
    await row.filter({ hasText: 'Anchor Marine' }).waitFor();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/PO-7781.*Anchor Marine.*NORTH.*shipped/);
    await page.close();
  });

  it('edits a draft order: the picker shows the line’s item, and the changed units reach the API', async () => {
    const o = await call('POST', '/api/v1/SalesOrder', { wID: north.id, reference: 'DRAFT-1', lines: [{ partNo: part['ROPE-12'], units: 1 }] });
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, admin);
    await page.goto(`${c.base}/orders/${o.orderID}`);
    await page.getByRole('button', { name: 'Edit order' }).click();
    const dialog = page.getByRole('dialog', { name: `Edit order #${o.orderID}` });
    await expect.poll(() => dialog.getByRole('combobox', { name: 'Item, line 1' }).inputValue()).toBe('ROPE-12 · Mooring rope 12 mm');
    await dialog.getByLabel('Units, line 1').fill('3');
    await dialog.getByLabel('Reference').fill('DRAFT-1b');
    await dialog.getByRole('button', { name: 'Save order' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Order lines' }).getByText('3.0000').waitFor();
    const saved = await call('GET', `/api/v1/SalesOrder/${o.orderID}`);
    expect(saved).toMatchObject({ status: 'draft', reference: 'DRAFT-1b', lines: [{ partNo: part['ROPE-12'], units: '3.0000' }] });
    await call('POST', `/api/v1/SalesOrder/${o.orderID}/Cancel`);
    await page.close();
  });

  it('cancels a confirmed order from the list, which releases its reservation', async () => {
    const customer = (await call('GET', '/api/v1/Customer?q=Bayside')).value[0];
    const o = await call('POST', '/api/v1/SalesOrder', {
      customerID: customer.customerID,
      wID: north.id,
      reference: 'PO-9',
      lines: [{ partNo: part['CLEAT-200'], units: 6 }],
    });
    await call('POST', `/api/v1/SalesOrder/${o.orderID}/Confirm`);
    expect(await level('CLEAT-200', north.id)).toEqual({ onHand: 25, reserved: 6 });
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, admin);
    await page.goto(`${c.base}/orders`);
    await page.getByRole('button', { name: `Cancel order #${o.orderID}` }).click();
    await page.getByRole('button', { name: `Ship #${o.orderID}` }).waitFor({ state: 'detached' });
    expect((await call('GET', `/api/v1/SalesOrder/${o.orderID}`)).status).toBe('cancelled');
    expect(await level('CLEAT-200', north.id)).toEqual({ onHand: 25, reserved: 0 });
    const row = page.getByRole('table', { name: 'Sales orders' }).getByRole('row', { name: new RegExp(`#${o.orderID}\\b`) });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/Bayside Boats.*cancelled/);
    await screenshot(page, 'orders');
    await page.close();
  });
});

describe('lots', () => {
  it('puts a lot on hold with a remark (it can no longer be issued) and releases it', async () => {
    const { value: lots } = await call('GET', `/api/v1/Inventory/${south.id}?partNo=${part['CLEAT-200']}`);
    expect(lots).toHaveLength(1);
    const recNo: number = lots[0].recNo;
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, admin);
    await page.getByRole('link', { name: 'Lots' }).click();
    await page.getByLabel('Warehouse', { exact: true }).selectOption({ label: 'SOUTH · Warehouse SOUTH' });
    const row = page.getByRole('table', { name: 'Lots' }).getByRole('row', { name: new RegExp(`^#${recNo}\\b`) });
    await row.getByText('CLEAT-200').waitFor();
    await page.getByRole('button', { name: `Hold lot #${recNo}` }).click();
    const dialog = page.getByRole('dialog', { name: /Hold lot/ });
    await dialog.getByLabel('Remark').fill('Crate dropped, check for dents');
    await dialog.getByRole('button', { name: 'Put on hold' }).click();
    await page.getByRole('button', { name: `Release lot #${recNo}` }).waitFor();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/on hold.*Crate dropped/);
    await expect(row.getAttribute('data-on-hold')).resolves.toBe('true');
    expect(await call('GET', `/api/v1/Inventory/Lot/${recNo}`)).toMatchObject({ onHold: true });
    const ledger = await call('GET', `/api/v1/Inventory/Transactions?recNo=${recNo}&kind=hold`);
    expect(ledger.value).toMatchObject([{ kind: 'hold', remark: 'Crate dropped, check for dents' }]);
    // Held stock cannot be issued.
    const issue = await request(c.t, {
      method: 'POST',
      url: '/api/v1/Inventory/Issue',
      headers: { authorization: basic(admin.username, admin.password) },
      payload: { partNo: part['CLEAT-200'], wID: south.id, units: 1 },
    });
    expect(issue.statusCode).toBe(409);
    // The hold filter shows only held lots.
    await page.getByLabel('Hold', { exact: true }).selectOption({ label: 'on hold' });
    await page
      .getByRole('table', { name: 'Lots' })
      .getByRole('row', { name: /ROPE-12/ })
      .waitFor({ state: 'detached' });
    await expect(page.getByRole('table', { name: 'Lots' }).getByRole('row').count()).resolves.toBe(2); // header + the held lot
    await screenshot(page, 'lots');

    await page.getByRole('button', { name: `Release lot #${recNo}` }).click();
    const release = page.getByRole('dialog', { name: /Release lot/ });
    await release.getByLabel('Remark').fill('No damage found');
    await release.getByRole('button', { name: 'Release lot' }).click();
    await page.getByRole('button', { name: `Release lot #${recNo}` }).waitFor({ state: 'detached' });
    expect(await call('GET', `/api/v1/Inventory/Lot/${recNo}`)).toMatchObject({ onHold: false });
    expect((await call('GET', `/api/v1/Inventory/Transactions?recNo=${recNo}&kind=unhold`)).value).toMatchObject([{ remark: 'No damage found' }]);
    // Released stock can be issued again.
    await call('POST', '/api/v1/Inventory/Issue', { partNo: part['CLEAT-200'], wID: south.id, units: 1 });
    await page.close();
  });
});

describe('categories, customers and warehouses', () => {
  it('creates, edits and deletes them through the screens', async () => {
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, admin);

    await page.getByRole('link', { name: 'Categories' }).click();
    await page.getByRole('button', { name: 'New category' }).click();
    let dialog = page.getByRole('dialog', { name: 'New category' });
    await dialog.getByLabel('Name').fill('Deck hardware');
    await dialog.getByRole('button', { name: 'Save category' }).click();
    await page.getByRole('table', { name: 'Categories' }).getByText('Deck hardware').waitFor();
    await page.getByRole('button', { name: 'New category' }).click();
    dialog = page.getByRole('dialog', { name: 'New category' });
    await dialog.getByLabel('Name').fill('Cleats');
    await dialog.getByLabel('Parent category').selectOption({ label: 'Deck hardware' });
    await dialog.getByRole('button', { name: 'Save category' }).click();
    await expect(
      page
        .getByRole('table', { name: 'Categories' })
        .getByRole('row', { name: /Cleats/ })
        .textContent(),
    ).resolves.toMatch(/Cleats.*Deck hardware/);
    const cats = (await call('GET', '/api/v1/Category?pageSize=50')).value as { categoryID: number; name: string; parentID: number | null }[];
    const deck = cats.find((x) => x.name === 'Deck hardware')!;
    expect(cats.find((x) => x.name === 'Cleats')?.parentID).toBe(deck.categoryID);
    // Items are put in a category from the item form.
    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByRole('button', { name: 'Edit CLEAT-200' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit CLEAT-200' });
    await dialog.getByLabel('Category').selectOption({ label: 'Deck hardware' });
    await dialog.getByRole('button', { name: 'Save item' }).click();
    await expect(
      page
        .getByRole('table', { name: 'Items' })
        .getByRole('row', { name: /CLEAT-200/ })
        .getByText('Deck hardware')
        .waitFor(),
    ).resolves.toBeUndefined();
    expect((await call('GET', `/api/v1/Item/${part['CLEAT-200']}`)).categoryID).toBe(deck.categoryID);
    await page.getByRole('link', { name: 'Categories' }).click();
    // A category with children is kept: the API's 409 is shown in words.
    await page.getByRole('button', { name: 'Delete Deck hardware' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete Deck hardware?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/conflicts with what already exists/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await page.getByRole('button', { name: 'Delete Cleats' }).click();
    await page.getByRole('dialog', { name: 'Delete Cleats?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('table', { name: 'Categories' }).getByText('Cleats').waitFor({ state: 'detached' });
    expect((await call('GET', '/api/v1/Category?q=Cleats')).value).toHaveLength(0);

    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('button', { name: 'New customer' }).click();
    dialog = page.getByRole('dialog', { name: 'New customer' });
    await dialog.getByLabel('Name').fill('Cove Chandlery');
    await dialog.getByLabel('Email').fill('hello@cove.test');
    await dialog.getByLabel('Phone').fill('+44 1632 960123');
    await dialog.getByRole('button', { name: 'Save customer' }).click();
    await page.getByRole('table', { name: 'Customers' }).getByText('Cove Chandlery').waitFor();
    await page.getByRole('button', { name: 'Edit Cove Chandlery' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit Cove Chandlery' });
    await dialog.getByLabel('Active').uncheck();
    await dialog.getByRole('button', { name: 'Save customer' }).click();
    await expect(
      page
        .getByRole('table', { name: 'Customers' })
        .getByRole('row', { name: /Cove Chandlery/ })
        .getByText('inactive')
        .waitFor(),
    ).resolves.toBeUndefined();
    expect((await call('GET', '/api/v1/Customer?q=Cove')).value[0]).toMatchObject({ email: 'hello@cove.test', phone: '+44 1632 960123', active: false });

    await page.getByRole('link', { name: 'Warehouses' }).click();
    await page.getByRole('button', { name: 'New warehouse' }).click();
    dialog = page.getByRole('dialog', { name: 'New warehouse' });
    await dialog.getByLabel('Code').fill('EAST');
    await dialog.getByLabel('Name').fill('East quay store');
    await dialog.getByLabel('Address').fill('Pier 3');
    await dialog.getByRole('button', { name: 'Save warehouse' }).click();
    await page.getByRole('table', { name: 'Warehouses' }).getByText('East quay store').waitFor();
    // A duplicate code is refused with the API's words.
    await page.getByRole('button', { name: 'New warehouse' }).click();
    dialog = page.getByRole('dialog', { name: 'New warehouse' });
    await dialog.getByLabel('Code').fill('NORTH');
    await dialog.getByLabel('Name').fill('Second north');
    await dialog.getByRole('button', { name: 'Save warehouse' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/conflicts with what already exists.*code: must be unique/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Bins of EAST' }).click();
    const bins = page.getByRole('region', { name: 'Bins of EAST' });
    await bins.getByLabel('New bin').fill('E-01');
    await bins.getByLabel('Bin description').fill('Rack by the door');
    await bins.getByRole('button', { name: 'Add bin' }).click();
    await bins.getByRole('table').getByText('E-01').waitFor();
    const east = (await call('GET', '/api/v1/Warehouse?code=EAST')).value[0];
    expect(east).toMatchObject({ name: 'East quay store', address: 'Pier 3', active: true });
    expect(await call('GET', `/api/v1/Warehouse/${east.wID}/Bin`)).toMatchObject([{ spot: 'E-01', description: 'Rack by the door' }]);
    await screenshot(page, 'warehouses');

    // The new bin is offered when receiving into the new warehouse.
    await page.getByRole('link', { name: 'Stock' }).click();
    await pick(page, page, 'Item', 'CLEAT', /CLEAT-200/);
    await page.getByLabel('Warehouse *').selectOption({ label: 'EAST · East quay store' });
    await page.getByRole('combobox', { name: 'Bin' }).click();
    await page.getByRole('option', { name: 'E-01' }).click();
    await page.getByLabel('Units').fill('3');
    await page.getByRole('button', { name: 'Receive', exact: true }).click();
    await page
      .getByRole('table', { name: 'Stock levels' })
      .getByRole('row', { name: /CLEAT-200.*EAST/ })
      .waitFor();
    expect((await call('GET', `/api/v1/Inventory/${east.wID}`)).value).toMatchObject([{ partNo: part['CLEAT-200'], spot: 'E-01', units: '3.0000' }]);
    await page.close();
  });
});

describe('what a user may not do is shown disabled', () => {
  it('a read-only user sees every inventory action disabled', async () => {
    const viewer = await acc.user({ group: 'read-only' });
    const o = await call('POST', '/api/v1/SalesOrder', { wID: north.id, lines: [{ partNo: part['ROPE-12'], units: 1 }] });
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, viewer);
    await page.getByRole('link', { name: 'Sales orders' }).click();
    await page.getByRole('button', { name: `Confirm #${o.orderID}` }).waitFor();
    await expect(page.getByRole('button', { name: 'New order' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: `Confirm #${o.orderID}` }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: `Cancel order #${o.orderID}` }).isDisabled()).resolves.toBe(true);
    await page.getByRole('link', { name: 'Lots' }).click();
    const holds = page.getByRole('button', { name: /^Hold lot #/ });
    await holds.first().waitFor();
    for (const b of await holds.all()) await expect(b.isDisabled()).resolves.toBe(true);
    for (const [link, buttons] of [
      ['Categories', ['New category']],
      ['Customers', ['New customer', 'Edit Anchor Marine', 'Delete Anchor Marine']],
      ['Warehouses', ['New warehouse', 'Edit NORTH', 'Delete NORTH']],
    ] as const) {
      await page.getByRole('link', { name: link }).click();
      for (const name of buttons) {
        const button = page.getByRole('button', { name, exact: true });
        await button.waitFor();
        await expect(button.isDisabled(), `${link}: ${name}`).resolves.toBe(true);
      }
    }
    await page.getByRole('button', { name: 'Bins of NORTH' }).click();
    await expect(page.getByRole('button', { name: 'Add bin' }).isDisabled()).resolves.toBe(true);
    await page.close();
  });

  it('a manager limited to one warehouse: only its orders and lots, no new warehouse; staff may not change categories', async () => {
    const limited = await acc.user({ group: 'manager', warehouses: [north.id] });
    const southOrder = await call('POST', '/api/v1/SalesOrder', { wID: south.id, reference: 'SOUTH-ONLY', lines: [{ partNo: part['BUOY-S'], units: 1 }] });
    const northOrder = await call('POST', '/api/v1/SalesOrder', { wID: north.id, reference: 'NORTH-ONE', lines: [{ partNo: part['BUOY-S'], units: 1 }] });
    const page = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, c.base, limited);
    await page.getByRole('link', { name: 'Sales orders' }).click();
    const table = page.getByRole('table', { name: 'Sales orders' });
    await table.getByText('NORTH-ONE').waitFor();
    await expect(table.textContent()).resolves.not.toContain('SOUTH-ONLY');
    await expect(page.getByRole('button', { name: 'New order' }).isDisabled()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: `Confirm #${northOrder.orderID}` }).isDisabled()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: `Confirm #${southOrder.orderID}` }).count()).resolves.toBe(0);
    // Opening the other warehouse's order by its address shows the API's refusal in words.
    await page.goto(`${c.base}/orders/${southOrder.orderID}`);
    await page.getByRole('alert').getByText('You do not have access to this warehouse.').waitFor();

    await page.goto(`${c.base}/lots`);
    const lots = page.getByRole('table', { name: 'Lots' });
    await lots.getByText('ROPE-12').first().waitFor();
    await expect(lots.textContent()).resolves.not.toContain('SOUTH');
    await expect(
      page
        .getByRole('button', { name: /^Hold lot #/ })
        .first()
        .isDisabled(),
    ).resolves.toBe(false);

    await page.getByRole('link', { name: 'Warehouses' }).click();
    await page.getByRole('table', { name: 'Warehouses' }).getByText('NORTH', { exact: true }).waitFor();
    await expect(page.getByRole('table', { name: 'Warehouses' }).textContent()).resolves.not.toContain('SOUTH');
    await expect(page.getByRole('button', { name: 'Edit NORTH' }).isDisabled()).resolves.toBe(false);
    const newWarehouse = page.getByRole('button', { name: 'New warehouse' });
    await expect(newWarehouse.isDisabled()).resolves.toBe(true);
    await newWarehouse.locator('..').hover();
    await page.getByRole('tooltip').getByText('Users limited to some warehouses cannot create warehouses.').waitFor();
    await page.getByRole('link', { name: 'Categories' }).click();
    await expect(page.getByRole('button', { name: 'New category' }).isDisabled()).resolves.toBe(false);
    await page.close();

    // Staff may view categories and change customers, but not create categories or delete customers.
    const clerk = await acc.user({ group: 'staff' });
    const staffPage = await c.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(staffPage, c.base, clerk);
    await staffPage.getByRole('link', { name: 'Categories' }).click();
    await staffPage.getByRole('table', { name: 'Categories' }).getByText('Deck hardware').waitFor();
    await expect(staffPage.getByRole('button', { name: 'New category' }).isDisabled()).resolves.toBe(true);
    await expect(staffPage.getByRole('button', { name: 'Edit Deck hardware' }).isDisabled()).resolves.toBe(true);
    await staffPage.getByRole('link', { name: 'Customers' }).click();
    await staffPage.getByRole('button', { name: 'Edit Anchor Marine' }).waitFor();
    await expect(staffPage.getByRole('button', { name: 'New customer' }).isDisabled()).resolves.toBe(false);
    await expect(staffPage.getByRole('button', { name: 'Edit Anchor Marine' }).isDisabled()).resolves.toBe(false);
    await expect(staffPage.getByRole('button', { name: 'Delete Anchor Marine' }).isDisabled()).resolves.toBe(true);
    await staffPage.getByRole('button', { name: 'Delete Anchor Marine' }).locator('..').hover();
    await staffPage.getByRole('tooltip').getByText('You may not delete customers.').waitFor();
    await screenshot(staffPage, 'customers-staff');
    await staffPage.close();
  });
});

describe('inventory screens at a phone’s width', () => {
  it('do not overflow sideways', async () => {
    const page = await c.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await logIn(page, c.base, admin);
    for (const path of ['/orders', '/lots', '/customers', '/categories', '/warehouses', '/stock']) {
      await page.goto(`${c.base}${path}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.getByRole('table').first().waitFor();
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), path).toBeLessThanOrEqual(391);
    }
    await page.goto(`${c.base}/orders`);
    await page.getByRole('button', { name: 'New order' }).click();
    await page.getByRole('dialog', { name: 'New sales order' }).getByLabel('Item, line 1').waitFor();
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(391);
    await screenshot(page, 'order-phone');
    await page.close();
  });
});
