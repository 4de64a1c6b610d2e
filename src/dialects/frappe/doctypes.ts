import type { Access } from '../../access/guard.js';
import type { Ruleset } from '../../access/permissions.js';
import type { RequestContext } from '../../auth/principal.js';
import { ApiError } from '../../http/errors.js';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from '../../modules/category/service.js';
import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from '../../modules/customer/service.js';
import { issueStock, listStockLevels, listTransactions, moveStock, receiveStock } from '../../modules/inventory/service.js';
import { createItem, deleteItem, getItem, listItems, updateItem } from '../../modules/item/service.js';
import { createOrder, getOrder, listOrders, updateOrder } from '../../modules/order/service.js';
import { createWarehouse, deleteWarehouse, getWarehouse, listWarehouses, updateWarehouse, warehouseIdByCode } from '../../modules/warehouse/service.js';
import type { Filter, FrappeDoc, ListArgs } from './query.js';

/**
 * Frappe DocTypes over our resources. Each adapter only renames: Frappe's field names and `name` keys onto the
 * services of src/modules, which hold every rule (account scope, warehouse scope, stock ledger, validation).
 */
export type Need = (access: Access) => void;

export interface DocTypeAdapter {
  doctype: string;
  ruleset: Ruleset;
  /** Bin: stock levels are computed from the ledger, so there is nothing to insert, update or delete. */
  readOnly?: boolean;
  /** Frappe field → our sort field. */
  sorts: Record<string, string>;
  list(ctx: RequestContext, r: Refs, args: ListArgs): Promise<FrappeDoc[]>;
  get(ctx: RequestContext, r: Refs, name: string): Promise<FrappeDoc>;
  insert?(ctx: RequestContext, r: Refs, doc: FrappeDoc, need: Need): Promise<FrappeDoc>;
  update?(ctx: RequestContext, r: Refs, name: string, doc: FrappeDoc): Promise<FrappeDoc>;
  remove?(ctx: RequestContext, r: Refs, name: string): Promise<void>;
}

// ------------------------------------------------------------------ values

const invalid = (field: string, message: string) => ApiError.validation({ [field]: [message] });

/** Frappe prints datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" (server time; ours is UTC). */
const frappeTime = (iso: string) => iso.replace('T', ' ').replace('Z', '');
const num = (v: string | null) => (v === null ? null : Number(v));

function text(doc: FrappeDoc, field: string, max = 2000): string | undefined {
  const v = doc[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw invalid(field, 'must be text');
  if (v.length > max) throw invalid(field, `must be at most ${max} characters`);
  return v;
}

/** Frappe's Check fields: 0/1, also true/false and "0"/"1". */
function check(doc: FrappeDoc, field: string): boolean | undefined {
  const v = doc[field];
  if (v === undefined || v === null) return undefined;
  if (v === 1 || v === true || v === '1') return true;
  if (v === 0 || v === false || v === '0') return false;
  throw invalid(field, 'must be 0 or 1');
}

function decimal(doc: FrappeDoc, field: string): string | number | null | undefined {
  const v = doc[field];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' && v.length <= 40) return v as string | number;
  throw invalid(field, 'must be a number');
}

function equality(f: Filter, doctype: string): unknown {
  if (f.op !== '=') throw invalid('filters', `${doctype}.${f.field} can only be filtered with "="`);
  return f.value;
}
const filterText = (f: Filter, doctype: string) => {
  const v = equality(f, doctype);
  if (typeof v !== 'string' && typeof v !== 'number') throw invalid('filters', `${doctype}.${f.field} needs a text value`);
  return String(v);
};
const filterCheck = (f: Filter, doctype: string) => {
  const v = check({ [f.field]: equality(f, doctype) }, f.field);
  if (v === undefined) throw invalid('filters', `${doctype}.${f.field} needs 0 or 1`);
  return v;
};
/** `like "%abc%"` becomes our text search `q`. */
const likeText = (f: Filter, doctype: string) => {
  if (f.op !== 'like' || typeof f.value !== 'string') throw invalid('filters', `${doctype}.${f.field} can be filtered with "like" only`);
  const q = f.value.replace(/^%+|%+$/g, '');
  if (!q || q.length > 200) throw invalid('filters', `${doctype}.${f.field}: give some text to search for`);
  return q;
};
const unknownFilter = (doctype: string, f: Filter) => invalid('filters', `cannot filter ${doctype} by "${f.field}"`);

function sortOf(adapter: { doctype: string; sorts: Record<string, string> }, args: ListArgs): string | undefined {
  if (!args.orderBy) return undefined;
  const ours = adapter.sorts[args.orderBy.field];
  if (!ours) throw invalid('order_by', `cannot sort ${adapter.doctype} by "${args.orderBy.field}"; sortable: ${Object.keys(adapter.sorts).join(', ')}`);
  return `${args.orderBy.descending ? '-' : ''}${ours}`;
}
const paging = (args: ListArgs) => ({ page: 1, pageSize: args.pageSize, offset: args.offset });

/** Frappe names made from our ids: CUST-00042, SO-00042, BIN-<item id>-<warehouse id>. */
function idFrom(name: string, prefix: string, what: string): number {
  const m = new RegExp(`^${prefix}-0*(\\d{1,12})$`).exec(name);
  const id = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw ApiError.notFound(`${what} ${name} not found.`);
  return id;
}
const named = (prefix: string, id: number) => `${prefix}-${String(id).padStart(5, '0')}`;

// ------------------------------------------------------------------ names ↔ ids, per request

/** Looks up the names Frappe documents use (SKU, category name, warehouse code) through the services, cached per request. */
export class Refs {
  private readonly itemCodes = new Map<number, string>();
  private readonly categoryNames = new Map<number, string>();
  private readonly warehouseCodes = new Map<number, string>();

  constructor(private readonly ctx: RequestContext) {}

  async item(code: string) {
    const page = await listItems(this.ctx, { page: 1, pageSize: 1, shortID: code });
    const item = page.value[0];
    if (!item) throw ApiError.notFound(`Item ${code} not found.`);
    this.itemCodes.set(item.partNo, item.shortID);
    return item;
  }

  async itemCode(partNo: number) {
    let code = this.itemCodes.get(partNo);
    if (code === undefined) this.itemCodes.set(partNo, (code = (await getItem(this.ctx, partNo)).shortID));
    return code;
  }

  /** Category names need not be unique: the oldest category of that name is meant. */
  async category(name: string) {
    const page = await listCategories(this.ctx, { page: 1, pageSize: 500, q: name, sort: 'categoryID' });
    const found = page.value.find((c) => c.name === name);
    if (!found) throw ApiError.notFound(`Item Group ${name} not found.`);
    return found;
  }

  async categoryName(id: number | null) {
    if (id === null) return ALL_ITEM_GROUPS;
    let name = this.categoryNames.get(id);
    if (name === undefined) this.categoryNames.set(id, (name = (await getCategory(this.ctx, id)).name));
    return name;
  }

  /** An item group as input: the root "All Item Groups" (or empty) is no category. */
  async categoryId(name: string | undefined): Promise<number | null | undefined> {
    if (name === undefined) return undefined;
    if (name === '' || name === ALL_ITEM_GROUPS) return null;
    try {
      return (await this.category(name)).categoryID;
    } catch (err) {
      if (err instanceof ApiError && err.key === 'not_found') throw invalid('item_group', `Item Group ${name} does not exist`);
      throw err;
    }
  }

  warehouseId(code: string) {
    return warehouseIdByCode(this.ctx, code);
  }

  async warehouseCode(wid: number) {
    let code = this.warehouseCodes.get(wid);
    if (code === undefined) this.warehouseCodes.set(wid, (code = (await getWarehouse(this.ctx, wid)).code));
    return code;
  }
}

export const ALL_ITEM_GROUPS = 'All Item Groups';

// ------------------------------------------------------------------ Item

type ItemView = Awaited<ReturnType<typeof getItem>>;

async function itemDoc(r: Refs, i: ItemView): Promise<FrappeDoc> {
  return {
    doctype: 'Item',
    name: i.shortID,
    item_code: i.shortID,
    item_name: i.description || i.shortID,
    description: i.description,
    item_group: await r.categoryName(i.categoryID),
    stock_uom: i.unit,
    disabled: i.active ? 0 : 1,
    is_stock_item: 1,
    standard_rate: num(i.price),
    valuation_rate: num(i.cost),
    safety_stock: num(i.reorderPoint),
    docstatus: 0,
    creation: frappeTime(i.created),
    modified: frappeTime(i.updated),
  };
}

/**
 * Our one text field serves as Frappe's item_name and description. A client sends back a whole document with one of
 * them edited: the one that differs from what is stored wins (on insert, item_name).
 */
async function itemInput(r: Refs, doc: FrappeDoc, current?: string) {
  const disabled = check(doc, 'disabled');
  const texts = [text(doc, 'item_name'), text(doc, 'description')].filter((v) => v !== undefined);
  return {
    description: texts.find((v) => v !== current) ?? texts[0],
    unit: text(doc, 'stock_uom', 32),
    categoryID: await r.categoryId(text(doc, 'item_group', 200)),
    active: disabled === undefined ? undefined : !disabled,
    price: decimal(doc, 'standard_rate'),
    cost: decimal(doc, 'valuation_rate'),
    reorderPoint: decimal(doc, 'safety_stock'),
  };
}

const itemAdapter: DocTypeAdapter = {
  doctype: 'Item',
  ruleset: 'item',
  sorts: { name: 'shortID', item_code: 'shortID', item_name: 'description', description: 'description', modified: 'updated', creation: 'partNo' },
  async list(ctx, r, args) {
    const q: Parameters<typeof listItems>[1] = { ...paging(args), sort: sortOf(this, args) };
    for (const f of args.filters) {
      if (f.field === 'name' || f.field === 'item_code') {
        if (f.op === 'like') q.q = likeText(f, 'Item');
        else q.shortID = filterText(f, 'Item');
      } else if (f.field === 'item_name' || f.field === 'description') q.q = likeText(f, 'Item');
      else if (f.field === 'item_group') q.categoryID = (await r.category(filterText(f, 'Item'))).categoryID;
      else if (f.field === 'disabled') q.active = !filterCheck(f, 'Item');
      else throw unknownFilter('Item', f);
    }
    const page = await listItems(ctx, q);
    return Promise.all(page.value.map((i) => itemDoc(r, i)));
  },
  async get(_ctx, r, name) {
    return itemDoc(r, await r.item(name));
  },
  async insert(ctx, r, doc) {
    const code = text(doc, 'item_code', 64) ?? text(doc, 'name', 64);
    if (!code) throw invalid('item_code', 'is required');
    const input = await itemInput(r, doc);
    const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    return itemDoc(r, await createItem(ctx, { ...clean, shortID: code }));
  },
  async update(ctx, r, name, doc) {
    const { partNo, description } = await r.item(name);
    const input = await itemInput(r, doc, description);
    const newCode = text(doc, 'item_code', 64);
    if (newCode !== undefined && newCode !== name) throw invalid('item_code', 'cannot be changed (rename the item instead)');
    return itemDoc(r, await updateItem(ctx, partNo, input));
  },
  async remove(ctx, r, name) {
    await deleteItem(ctx, (await r.item(name)).partNo);
  },
};

// ------------------------------------------------------------------ Item Group

type CategoryView = Awaited<ReturnType<typeof getCategory>>;

async function groupDoc(r: Refs, c: CategoryView): Promise<FrappeDoc> {
  return {
    doctype: 'Item Group',
    name: c.name,
    item_group_name: c.name,
    parent_item_group: await r.categoryName(c.parentID),
    is_group: 1,
    docstatus: 0,
    creation: frappeTime(c.created),
    modified: frappeTime(c.updated),
  };
}

async function parentInput(r: Refs, doc: FrappeDoc) {
  const parent = text(doc, 'parent_item_group', 200);
  if (parent === undefined) return undefined;
  if (parent === '' || parent === ALL_ITEM_GROUPS) return null;
  return (
    await r.category(parent).catch((err: unknown) => {
      if (err instanceof ApiError && err.key === 'not_found') throw invalid('parent_item_group', `Item Group ${parent} does not exist`);
      throw err;
    })
  ).categoryID;
}

const itemGroupAdapter: DocTypeAdapter = {
  doctype: 'Item Group',
  ruleset: 'category',
  sorts: { name: 'name', item_group_name: 'name', creation: 'categoryID', modified: 'categoryID' },
  async list(ctx, r, args) {
    const q: Parameters<typeof listCategories>[1] = { ...paging(args), sort: sortOf(this, args) };
    let exact: string | undefined;
    for (const f of args.filters) {
      if (f.field === 'name' || f.field === 'item_group_name') {
        if (f.op === 'like') q.q = likeText(f, 'Item Group');
        else q.q = exact = filterText(f, 'Item Group');
      } else if (f.field === 'parent_item_group') {
        const parent = filterText(f, 'Item Group');
        if (parent === ALL_ITEM_GROUPS) throw invalid('filters', 'filter top-level groups by listing all and reading parent_item_group');
        q.parentID = (await r.category(parent)).categoryID;
      } else throw unknownFilter('Item Group', f);
    }
    const page = await listCategories(ctx, q);
    const rows = exact === undefined ? page.value : page.value.filter((c) => c.name === exact);
    return Promise.all(rows.map((c) => groupDoc(r, c)));
  },
  async get(_ctx, r, name) {
    return groupDoc(r, await r.category(name));
  },
  async insert(ctx, r, doc) {
    const name = text(doc, 'item_group_name', 200) ?? text(doc, 'name', 200);
    if (!name) throw invalid('item_group_name', 'is required');
    if (name === ALL_ITEM_GROUPS) throw new ApiError('conflict', `${ALL_ITEM_GROUPS} is the root of the tree.`, { item_group_name: ['must be unique'] });
    return groupDoc(r, await createCategory(ctx, { name, parentID: await parentInput(r, doc) }));
  },
  async update(ctx, r, name, doc) {
    const { categoryID } = await r.category(name);
    return groupDoc(r, await updateCategory(ctx, categoryID, { name: text(doc, 'item_group_name', 200), parentID: await parentInput(r, doc) }));
  },
  async remove(ctx, r, name) {
    await deleteCategory(ctx, (await r.category(name)).categoryID);
  },
};

// ------------------------------------------------------------------ Warehouse

type WarehouseView = Awaited<ReturnType<typeof getWarehouse>>;

const warehouseDoc = (w: WarehouseView): FrappeDoc => ({
  doctype: 'Warehouse',
  name: w.code,
  warehouse_name: w.name,
  disabled: w.active ? 0 : 1,
  is_group: 0,
  address_line_1: w.address,
  docstatus: 0,
  creation: frappeTime(w.created),
  modified: frappeTime(w.updated),
});

function warehouseInput(doc: FrappeDoc) {
  const disabled = check(doc, 'disabled');
  return { name: text(doc, 'warehouse_name', 200), address: text(doc, 'address_line_1', 1000), active: disabled === undefined ? undefined : !disabled };
}

const warehouseAdapter: DocTypeAdapter = {
  doctype: 'Warehouse',
  ruleset: 'warehouse',
  sorts: { name: 'code', warehouse_name: 'name', creation: 'wID', modified: 'wID' },
  async list(ctx, _r, args) {
    const q: Parameters<typeof listWarehouses>[1] = { ...paging(args), sort: sortOf(this, args) };
    for (const f of args.filters) {
      if (f.field === 'name') {
        if (f.op === 'like') q.q = likeText(f, 'Warehouse');
        else q.code = filterText(f, 'Warehouse');
      } else if (f.field === 'warehouse_name') q.q = f.op === 'like' ? likeText(f, 'Warehouse') : filterText(f, 'Warehouse');
      else if (f.field === 'disabled') q.active = !filterCheck(f, 'Warehouse');
      else throw unknownFilter('Warehouse', f);
    }
    return (await listWarehouses(ctx, q)).value.map(warehouseDoc);
  },
  async get(ctx, r, name) {
    return warehouseDoc(await getWarehouse(ctx, await r.warehouseId(name)));
  },
  async insert(ctx, _r, doc) {
    const input = warehouseInput(doc);
    const code = text(doc, 'name', 64) ?? input.name;
    if (!code) throw invalid('warehouse_name', 'is required');
    return warehouseDoc(await createWarehouse(ctx, { ...input, code, name: input.name ?? code }));
  },
  async update(ctx, r, name, doc) {
    return warehouseDoc(await updateWarehouse(ctx, await r.warehouseId(name), warehouseInput(doc)));
  },
  async remove(ctx, r, name) {
    await deleteWarehouse(ctx, await r.warehouseId(name));
  },
};

// ------------------------------------------------------------------ Customer

type CustomerView = Awaited<ReturnType<typeof getCustomer>>;

const customerDoc = (c: CustomerView): FrappeDoc => ({
  doctype: 'Customer',
  name: named('CUST', c.customerID),
  customer_name: c.name,
  customer_type: 'Company',
  email_id: c.email,
  mobile_no: c.phone,
  primary_address: c.address,
  disabled: c.active ? 0 : 1,
  docstatus: 0,
  creation: frappeTime(c.created),
  modified: frappeTime(c.updated),
});

function customerInput(doc: FrappeDoc) {
  const disabled = check(doc, 'disabled');
  return {
    name: text(doc, 'customer_name', 200),
    email: text(doc, 'email_id', 254),
    phone: text(doc, 'mobile_no', 64),
    address: text(doc, 'primary_address', 1000),
    active: disabled === undefined ? undefined : !disabled,
  };
}

const customerAdapter: DocTypeAdapter = {
  doctype: 'Customer',
  ruleset: 'customer',
  sorts: { name: 'customerID', customer_name: 'name', creation: 'customerID', modified: 'customerID' },
  async list(ctx, _r, args) {
    const q: Parameters<typeof listCustomers>[1] = { ...paging(args), sort: sortOf(this, args) };
    for (const f of args.filters) {
      if (f.field === 'customer_name' || f.field === 'email_id') q.q = f.op === 'like' ? likeText(f, 'Customer') : filterText(f, 'Customer');
      else if (f.field === 'disabled') q.active = !filterCheck(f, 'Customer');
      else throw unknownFilter('Customer', f);
    }
    return (await listCustomers(ctx, q)).value.map(customerDoc);
  },
  async get(ctx, _r, name) {
    return customerDoc(await getCustomer(ctx, idFrom(name, 'CUST', 'Customer')));
  },
  async insert(ctx, _r, doc) {
    const input = customerInput(doc);
    if (!input.name) throw invalid('customer_name', 'is required');
    return customerDoc(await createCustomer(ctx, { ...input, name: input.name }));
  },
  async update(ctx, _r, name, doc) {
    return customerDoc(await updateCustomer(ctx, idFrom(name, 'CUST', 'Customer'), customerInput(doc)));
  },
  async remove(ctx, _r, name) {
    await deleteCustomer(ctx, idFrom(name, 'CUST', 'Customer'));
  },
};

// ------------------------------------------------------------------ Sales Order

const ORDER_STATUS: Record<string, [status: string, docstatus: number]> = {
  draft: ['Draft', 0],
  confirmed: ['To Deliver and Bill', 1],
  shipped: ['Completed', 1],
  cancelled: ['Cancelled', 2],
};
const STATUS_OF_FRAPPE = new Map(Object.entries(ORDER_STATUS).map(([ours, [theirs]]) => [theirs, ours]));

type OrderSummary = Awaited<ReturnType<typeof listOrders>>['value'][number];
type OrderFull = Awaited<ReturnType<typeof getOrder>>;

async function orderDoc(r: Refs, o: OrderSummary | OrderFull): Promise<FrappeDoc> {
  const [status, docstatus] = ORDER_STATUS[o.status] ?? [o.status, 0];
  const warehouse = await r.warehouseCode(o.wID);
  const doc: FrappeDoc = {
    doctype: 'Sales Order',
    name: named('SO', o.orderID),
    customer: o.customerID === null ? null : named('CUST', o.customerID),
    set_warehouse: warehouse,
    status,
    docstatus,
    po_no: o.reference,
    remarks: o.remark,
    transaction_date: o.created.slice(0, 10),
    creation: frappeTime(o.created),
    modified: frappeTime(o.updated),
  };
  if ('lines' in o) {
    doc.items = await Promise.all(
      o.lines.map(async (l, i) => ({
        doctype: 'Sales Order Item',
        idx: i + 1,
        item_code: await r.itemCode(l.partNo),
        qty: Number(l.units),
        rate: num(l.price),
        warehouse,
      })),
    );
  }
  return doc;
}

async function orderInput(r: Refs, doc: FrappeDoc) {
  const customer = text(doc, 'customer', 64);
  const warehouse = text(doc, 'set_warehouse', 64);
  const rows = doc.items;
  let lines: { partNo: number; units: string | number; price?: string | number | null }[] | undefined;
  let rowWarehouse: string | undefined;
  if (rows !== undefined) {
    if (!Array.isArray(rows) || rows.length > 1000) throw invalid('items', 'must be a list of rows');
    lines = [];
    for (const [i, row] of rows.entries()) {
      if (!row || typeof row !== 'object' || Array.isArray(row)) throw invalid(`items.${i}`, 'must be an object');
      const code = text(row as FrappeDoc, 'item_code', 64);
      const qty = decimal(row as FrappeDoc, 'qty');
      if (!code) throw invalid(`items.${i}.item_code`, 'is required');
      if (qty === undefined || qty === null) throw invalid(`items.${i}.qty`, 'is required');
      rowWarehouse ??= text(row as FrappeDoc, 'warehouse', 64);
      lines.push({ partNo: (await r.item(code)).partNo, units: qty, price: decimal(row as FrappeDoc, 'rate') });
    }
  }
  const code = warehouse ?? rowWarehouse;
  return {
    customerID: customer === undefined ? undefined : customer === '' ? null : idFrom(customer, 'CUST', 'Customer'),
    wID: code === undefined ? undefined : await r.warehouseId(code),
    reference: text(doc, 'po_no', 200),
    remark: text(doc, 'remarks', 2000),
    lines,
  };
}

const salesOrderAdapter: DocTypeAdapter = {
  doctype: 'Sales Order',
  ruleset: 'order',
  sorts: { name: 'orderID', creation: 'created', modified: 'created', transaction_date: 'created' },
  async list(ctx, r, args) {
    const q: Parameters<typeof listOrders>[1] = { ...paging(args), sort: sortOf(this, args) };
    for (const f of args.filters) {
      if (f.field === 'status') {
        const status = STATUS_OF_FRAPPE.get(filterText(f, 'Sales Order'));
        if (!status) throw invalid('filters', `Sales Order status is one of ${[...STATUS_OF_FRAPPE.keys()].join(', ')}`);
        q.status = status;
      } else if (f.field === 'customer') q.customerID = idFrom(filterText(f, 'Sales Order'), 'CUST', 'Customer');
      else if (f.field === 'set_warehouse') q.wID = await r.warehouseId(filterText(f, 'Sales Order'));
      else throw unknownFilter('Sales Order', f);
    }
    const page = await listOrders(ctx, q);
    return Promise.all(page.value.map((o) => orderDoc(r, o)));
  },
  async get(ctx, r, name) {
    return orderDoc(r, await getOrder(ctx, idFrom(name, 'SO', 'Sales Order')));
  },
  async insert(ctx, r, doc) {
    const input = await orderInput(r, doc);
    if (input.wID === undefined) throw invalid('set_warehouse', 'is required (or a warehouse on the first item row)');
    if (!input.lines?.length) throw invalid('items', 'at least one row is required');
    return orderDoc(r, await createOrder(ctx, { ...input, wID: input.wID, lines: input.lines }));
  },
  async update(ctx, r, name, doc) {
    return orderDoc(r, await updateOrder(ctx, idFrom(name, 'SO', 'Sales Order'), await orderInput(r, doc)));
  },
};

// ------------------------------------------------------------------ Bin (stock levels)

type LevelView = Awaited<ReturnType<typeof listStockLevels>>['value'][number];

async function binDoc(r: Refs, l: LevelView): Promise<FrappeDoc> {
  return {
    doctype: 'Bin',
    name: `BIN-${l.partNo}-${l.wID}`,
    item_code: l.shortID,
    warehouse: await r.warehouseCode(l.wID),
    actual_qty: Number(l.onHand),
    reserved_qty: Number(l.reserved),
    projected_qty: Number(l.available),
    docstatus: 0,
  };
}

const binAdapter: DocTypeAdapter = {
  doctype: 'Bin',
  ruleset: 'stock',
  readOnly: true,
  sorts: { item_code: 'partNo', name: 'partNo' },
  async list(ctx, r, args) {
    const q: Parameters<typeof listStockLevels>[1] = { ...paging(args), sort: sortOf(this, args) };
    for (const f of args.filters) {
      if (f.field === 'item_code') q.partNo = (await r.item(filterText(f, 'Bin'))).partNo;
      else if (f.field === 'warehouse') q.wID = await r.warehouseId(filterText(f, 'Bin'));
      else throw unknownFilter('Bin', f);
    }
    const page = await listStockLevels(ctx, q);
    return Promise.all(page.value.map((l) => binDoc(r, l)));
  },
  async get(ctx, r, name) {
    const m = /^BIN-(\d{1,10})-(\d{1,10})$/.exec(name);
    const partNo = Number(m?.[1]);
    const wID = Number(m?.[2]);
    if (!m || partNo < 1 || wID < 1 || partNo > 2_147_483_647 || wID > 2_147_483_647) throw ApiError.notFound(`Bin ${name} not found.`);
    const page = await listStockLevels(ctx, { page: 1, pageSize: 1, partNo, wID }, true);
    const level = page.value[0];
    if (!level) throw ApiError.notFound(`Bin ${name} not found.`);
    return binDoc(r, level);
  },
};

// ------------------------------------------------------------------ Stock Entry (the ledger)

/** Ledger kinds as Frappe's stock entry types; a transfer's move_in half is the same entry as its move_out. */
const ENTRY_TYPE: Record<string, string> = {
  receive: 'Material Receipt',
  move_out: 'Material Transfer',
  move_in: 'Material Transfer',
  issue: 'Material Issue',
  adjust: 'Stock Reconciliation',
};
const KIND_OF_TYPE: Record<string, string> = { 'Material Receipt': 'receive', 'Material Transfer': 'move_out', 'Material Issue': 'issue' };

type LedgerView = Awaited<ReturnType<typeof listTransactions>>['value'][number];

/** One Stock Entry from the ledger rows of one reference (one stock transaction). */
async function entryDoc(r: Refs, rows: LedgerView[]): Promise<FrappeDoc> {
  const first = rows[0]!;
  const type = ENTRY_TYPE[first.kind] ?? first.kind;
  const items: FrappeDoc[] = [];
  const ins = rows.filter((x) => x.kind === 'move_in');
  for (const row of rows) {
    if (row.kind === 'move_in' && rows.some((x) => x.kind === 'move_out')) continue;
    const out = row.kind === 'move_out' || row.kind === 'issue' || (row.kind === 'adjust' && Number(row.units) < 0);
    const target = row.kind === 'move_out' ? ins.find((x) => x.partNo === row.partNo) : out ? undefined : row;
    items.push({
      doctype: 'Stock Entry Detail',
      idx: items.length + 1,
      item_code: await r.itemCode(row.partNo),
      qty: Math.abs(Number(row.units)),
      s_warehouse: out ? await r.warehouseCode(row.wID) : null,
      t_warehouse: target ? await r.warehouseCode(target.wID) : null,
    });
  }
  return {
    doctype: 'Stock Entry',
    name: first.reference,
    stock_entry_type: type,
    purpose: type,
    docstatus: 1,
    posting_date: first.created.slice(0, 10),
    posting_time: first.created.slice(11, 19),
    remarks: first.remark,
    sales_order: first.orderID === null ? null : named('SO', first.orderID),
    items,
    creation: frappeTime(first.created),
    modified: frappeTime(first.created),
  };
}

function groupByReference(rows: LedgerView[]): LedgerView[][] {
  const groups = new Map<string, LedgerView[]>();
  for (const row of rows) {
    const g = groups.get(row.reference);
    if (g) g.push(row);
    else groups.set(row.reference, [row]);
  }
  return [...groups.values()];
}

const stockEntryAdapter: DocTypeAdapter = {
  doctype: 'Stock Entry',
  ruleset: 'stock',
  sorts: { name: 'transactionID', creation: 'transactionID', modified: 'transactionID', posting_date: 'transactionID' },
  async list(ctx, r, args) {
    const q: Parameters<typeof listTransactions>[1] = { ...paging(args), sort: sortOf(this, args) };
    for (const f of args.filters) {
      if (f.field === 'stock_entry_type' || f.field === 'purpose') {
        const kind = KIND_OF_TYPE[filterText(f, 'Stock Entry')];
        if (!kind) throw invalid('filters', `Stock Entry types: ${Object.keys(KIND_OF_TYPE).join(', ')}`);
        q.kind = kind;
      } else if (f.field === 'name') q.reference = filterText(f, 'Stock Entry');
      else if (f.field === 'item_code') q.partNo = (await r.item(filterText(f, 'Stock Entry'))).partNo;
      else if (f.field === 'warehouse' || f.field === 's_warehouse' || f.field === 't_warehouse') q.wID = await r.warehouseId(filterText(f, 'Stock Entry'));
      else throw unknownFilter('Stock Entry', f);
    }
    const page = await listTransactions(ctx, q);
    return Promise.all(groupByReference(page.value).map((rows) => entryDoc(r, rows)));
  },
  async get(ctx, r, name) {
    if (!/^[0-9a-f-]{36}$/i.test(name)) throw ApiError.notFound(`Stock Entry ${name} not found.`);
    const page = await listTransactions(ctx, { page: 1, pageSize: 500, reference: name.toLowerCase() });
    if (!page.value.length) throw ApiError.notFound(`Stock Entry ${name} not found.`);
    return entryDoc(r, page.value);
  },
  /** One row per entry: each Stock Entry is one stock transaction (one ledger reference), all or nothing. */
  async insert(ctx, r, doc, need) {
    const type = text(doc, 'stock_entry_type', 64) ?? text(doc, 'purpose', 64);
    if (!type || !KIND_OF_TYPE[type]) throw invalid('stock_entry_type', `must be one of ${Object.keys(KIND_OF_TYPE).join(', ')}`);
    const rows = doc.items;
    if (!Array.isArray(rows) || rows.length !== 1 || !rows[0] || typeof rows[0] !== 'object' || Array.isArray(rows[0])) {
      throw invalid('items', 'give exactly one row (one stock transaction per Stock Entry)');
    }
    const row = rows[0] as FrappeDoc;
    const code = text(row, 'item_code', 64);
    const qty = decimal(row, 'qty');
    if (!code) throw invalid('items.0.item_code', 'is required');
    if (qty === undefined || qty === null) throw invalid('items.0.qty', 'is required');
    const from = text(row, 's_warehouse', 64) ?? text(doc, 'from_warehouse', 64);
    const to = text(row, 't_warehouse', 64) ?? text(doc, 'to_warehouse', 64);
    const remark = text(doc, 'remarks', 1000) ?? null;
    const partNo = (await r.item(code)).partNo;
    let outcome;
    if (type === 'Material Receipt') {
      if (!to) throw invalid('items.0.t_warehouse', 'is required for a Material Receipt');
      outcome = await receiveStock(ctx, { partNo, wID: await r.warehouseId(to), units: qty, serial: text(row, 'batch_no', 100) ?? null, remark });
    } else if (type === 'Material Transfer') {
      need({ ruleset: 'stock', action: 'change' });
      if (!from || !to) throw invalid('items.0', 's_warehouse and t_warehouse are required for a Material Transfer');
      outcome = await moveStock(ctx, { partNo, fromWID: await r.warehouseId(from), toWID: await r.warehouseId(to), units: qty, remark });
    } else {
      need({ ruleset: 'stock', action: 'change' });
      if (!from) throw invalid('items.0.s_warehouse', 'is required for a Material Issue');
      outcome = await issueStock(ctx, { partNo, wID: await r.warehouseId(from), units: qty, remark });
    }
    return entryDoc(r, outcome.transactions);
  },
};

export const DOCTYPES: readonly DocTypeAdapter[] = [
  itemAdapter,
  itemGroupAdapter,
  warehouseAdapter,
  customerAdapter,
  salesOrderAdapter,
  binAdapter,
  stockEntryAdapter,
];

/** Frappe DocType names are case-sensitive there; here, as every route, matched case-insensitively. */
export function doctypeNamed(name: string): DocTypeAdapter {
  const found = DOCTYPES.find((d) => d.doctype.toLowerCase() === name.toLowerCase());
  if (!found) throw ApiError.notFound(`DocType ${name.slice(0, 100)} not found`);
  return found;
}

/** The declaration each operation of a DocType needs (the same rulesets and actions as the native routes). */
export function accessFor(d: DocTypeAdapter, op: 'list' | 'get' | 'insert' | 'update' | 'delete'): Access {
  const action = op === 'list' || op === 'get' ? 'view' : op === 'insert' ? 'add' : op === 'update' ? 'change' : 'delete';
  return { ruleset: d.ruleset, action };
}
