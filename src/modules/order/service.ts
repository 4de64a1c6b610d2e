import type { Static } from '@sinclair/typebox';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { assertWarehouse, inPermittedWarehouses } from '../../access/warehouses.js';
import { customers, items, lots, orderLines, orderReservations, orderStatusHistory, salesOrders, warehouses } from '../../db/schema/index.js';
import { byId, inAccount } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import { fromScaled, storedScaled, toScaled } from '../inventory/decimal.js';
import { available, inStockTransaction, type HeldLot } from '../inventory/ledger.js';
import { runList, type ListParams, type ListSpec } from '../../http/list/engine.js';
import { inDateRange } from '../../http/list/filters.js';
import { ledgerView, parseUnits } from '../inventory/service.js';
import type { OrderCreate, OrderLine, OrderPatch, OrderQuery } from './routes.js';

type OrderRow = typeof salesOrders.$inferSelect;
export type OrderStatus = 'draft' | 'confirmed' | 'shipped' | 'cancelled';

function summaryView(o: OrderRow) {
  return {
    orderID: o.id,
    customerID: o.customerId,
    wID: o.warehouseId,
    status: o.status,
    reference: o.reference,
    remark: o.remark,
    created: o.createdAt.toISOString(),
    updated: o.updatedAt.toISOString(),
  };
}

/** The order row, account-scoped: 404 elsewhere, 403 when it ships from a warehouse the caller may not use. */
async function orderRow(ctx: RequestContext, id: number, lock = false): Promise<OrderRow> {
  const q = ctx.db
    .select()
    .from(salesOrders)
    .where(byId(ctx, salesOrders, id));
  const [o] = lock ? await q.for('update') : await q;
  if (!o) throw ApiError.notFound(`Sales order ${id} not found.`);
  assertWarehouse(ctx, o.warehouseId);
  return o;
}

export async function getOrder(ctx: RequestContext, id: number) {
  const o = await orderRow(ctx, id);
  const [lines, reservations, history] = await Promise.all([
    ctx.db
      .select()
      .from(orderLines)
      .where(inAccount(ctx, orderLines, eq(orderLines.orderId, id)))
      .orderBy(asc(orderLines.id)),
    ctx.db
      .select({ lineId: orderReservations.lineId, units: sql<string>`sum(${orderReservations.units})` })
      .from(orderReservations)
      .where(inAccount(ctx, orderReservations, eq(orderReservations.orderId, id)))
      .groupBy(orderReservations.lineId),
    ctx.db
      .select()
      .from(orderStatusHistory)
      .where(inAccount(ctx, orderStatusHistory, eq(orderStatusHistory.orderId, id)))
      .orderBy(asc(orderStatusHistory.id)),
  ]);
  const reserved = new Map(reservations.map((r) => [r.lineId, fromScaled(storedScaled(r.units))]));
  return {
    ...summaryView(o),
    lines: lines.map((l) => ({ lineID: l.id, partNo: l.itemId, units: l.units, price: l.price, reserved: reserved.get(l.id) ?? '0.0000' })),
    history: history.map((h) => ({ from: h.fromStatus, to: h.toStatus, userID: h.userId, at: h.createdAt.toISOString() })),
  };
}

const spec: ListSpec<OrderRow> = {
  sorts: { orderID: { column: salesOrders.id, value: (r) => r.id }, created: { column: salesOrders.createdAt, kind: 'date', value: (r) => r.createdAt } },
  id: { column: salesOrders.id, value: (r) => r.id },
};

export async function listOrders(ctx: RequestContext, q: ListParams & Static<typeof OrderQuery>) {
  if (q.wID !== undefined) assertWarehouse(ctx, q.wID);
  const filters = [
    inPermittedWarehouses(ctx, salesOrders.warehouseId),
    q.status !== undefined ? eq(salesOrders.status, q.status) : undefined,
    q.customerID !== undefined ? eq(salesOrders.customerId, q.customerID) : undefined,
    q.wID !== undefined ? eq(salesOrders.warehouseId, q.wID) : undefined,
    ...inDateRange(salesOrders.createdAt, q.from, q.to),
  ];
  return runList(ctx, spec, q, { table: salesOrders, filters }, (rows) => rows.map(summaryView));
}

export type LineInput = Static<typeof OrderLine>;
export type OrderInput = Static<typeof OrderPatch>;

/** Checks what an order names: its warehouse (scope first, then existence), customer and items, all in the account. */
async function checkRefs(ctx: RequestContext, input: OrderInput) {
  if (input.wID !== undefined) {
    assertWarehouse(ctx, input.wID);
    const [w] = await ctx.db
      .select({ id: warehouses.id })
      .from(warehouses)
      .where(byId(ctx, warehouses, input.wID));
    if (!w) throw ApiError.notFound(`Warehouse ${input.wID} not found.`);
  }
  if (input.customerID) {
    const [c] = await ctx.db
      .select({ id: customers.id })
      .from(customers)
      .where(byId(ctx, customers, input.customerID));
    if (!c) throw ApiError.notFound(`Customer ${input.customerID} not found.`);
  }
  if (input.lines) {
    const ids = [...new Set(input.lines.map((l) => l.partNo))];
    const found = ids.length
      ? await ctx.db
          .select({ id: items.id })
          .from(items)
          .where(inAccount(ctx, items, inArray(items.id, ids)))
      : [];
    const known = new Set(found.map((r) => r.id));
    input.lines.forEach((l, i) => {
      if (!known.has(l.partNo)) throw ApiError.notFound(`Item ${l.partNo} (lines.${i}.partNo) not found.`);
      if (parseUnits(l.units, `lines.${i}.units`) <= 0n) throw ApiError.validation({ [`lines.${i}.units`]: ['must be greater than zero'] });
      if (l.price !== undefined && l.price !== null) parseUnits(l.price, `lines.${i}.price`);
    });
  }
}

const lineRows = (ctx: RequestContext, orderId: number, lines: LineInput[]) =>
  lines.map((l) => ({
    accountId: ctx.accountId,
    orderId,
    itemId: l.partNo,
    units: fromScaled(toScaled(l.units)),
    price: l.price === undefined || l.price === null ? null : fromScaled(toScaled(l.price)),
  }));

export async function createOrder(ctx: RequestContext, input: Static<typeof OrderCreate>) {
  await checkRefs(ctx, input);
  const id = await ctx.tx(async (tx) => {
    const [o] = await tx.db
      .insert(salesOrders)
      .values({
        accountId: ctx.accountId,
        warehouseId: input.wID,
        customerId: input.customerID ?? null,
        reference: input.reference ?? null,
        remark: input.remark ?? null,
      })
      .returning();
    if (input.lines.length) await tx.db.insert(orderLines).values(lineRows(ctx, o!.id, input.lines));
    await tx.db
      .insert(orderStatusHistory)
      .values({ accountId: ctx.accountId, orderId: o!.id, fromStatus: null, toStatus: 'draft', userId: ctx.principal.user.id });
    return o!.id;
  });
  return getOrder(ctx, id);
}

export async function updateOrder(ctx: RequestContext, id: number, input: OrderInput) {
  await orderRow(ctx, id);
  await checkRefs(ctx, input);
  await ctx.tx(async (tx) => {
    const o = await orderRow(tx, id, true);
    if (o.status !== 'draft') throw new ApiError('conflict', `Sales order ${id} is ${o.status}; only a draft can be changed.`, { status: [`is ${o.status}`] });
    const set: Partial<typeof salesOrders.$inferInsert> = { updatedAt: new Date() };
    if (input.customerID !== undefined) set.customerId = input.customerID;
    if (input.wID !== undefined) set.warehouseId = input.wID;
    if (input.reference !== undefined) set.reference = input.reference;
    if (input.remark !== undefined) set.remark = input.remark;
    await tx.db
      .update(salesOrders)
      .set(set)
      .where(byId(ctx, salesOrders, id));
    if (input.lines) {
      await tx.db.delete(orderLines).where(inAccount(ctx, orderLines, eq(orderLines.orderId, id)));
      if (input.lines.length) await tx.db.insert(orderLines).values(lineRows(ctx, id, input.lines));
    }
  });
  return getOrder(ctx, id);
}

async function setStatus(ctx: RequestContext, o: OrderRow, to: OrderStatus) {
  await ctx.db
    .update(salesOrders)
    .set({ status: to, updatedAt: new Date() })
    .where(byId(ctx, salesOrders, o.id));
  await ctx.db
    .insert(orderStatusHistory)
    .values({ accountId: ctx.accountId, orderId: o.id, fromStatus: o.status, toStatus: to, userId: ctx.principal.user.id });
}

function wrongStatus(o: OrderRow, action: string) {
  return new ApiError('conflict', `Sales order ${o.id} is ${o.status}; cannot ${action} it.`, { status: [`is ${o.status}`] });
}

/** Reserves every line from the order's warehouse, oldest lots first. All lines or none. */
export async function confirmOrder(ctx: RequestContext, id: number) {
  await orderRow(ctx, id);
  const ledger = await inStockTransaction(ctx, async (st) => {
    const o = await orderRow(st.ctx, id, true);
    if (o.status !== 'draft') throw wrongStatus(o, 'confirm');
    const lines = await st.ctx.db
      .select()
      .from(orderLines)
      .where(inAccount(ctx, orderLines, eq(orderLines.orderId, id)))
      .orderBy(asc(orderLines.itemId), asc(orderLines.id));
    if (!lines.length) throw ApiError.validation({ lines: ['an order needs at least one line to be confirmed'] });
    const itemIds = [...new Set(lines.map((l) => l.itemId))];
    const held = await st.lock(
      and(inArray(lots.itemId, itemIds), eq(lots.warehouseId, o.warehouseId), eq(lots.onHold, false), sql`${lots.units} > ${lots.reserved}`),
    );
    const reservations: (typeof orderReservations.$inferInsert)[] = [];
    const short: Record<string, string[]> = {};
    for (const [i, line] of lines.entries()) {
      let left = storedScaled(line.units);
      const candidates = held
        .filter((l: HeldLot) => l.row.itemId === line.itemId)
        .sort((a, b) => a.row.receivedAt.getTime() - b.row.receivedAt.getTime() || a.row.id - b.row.id);
      for (const lot of candidates) {
        if (left === 0n) break;
        const take = available(lot) < left ? available(lot) : left;
        if (take <= 0n) continue;
        st.apply(lot, 'reserve', 0n, take, { orderId: id });
        reservations.push({ accountId: ctx.accountId, orderId: id, lineId: line.id, lotId: lot.row.id, units: fromScaled(take) });
        left -= take;
      }
      if (left > 0n) short[`lines.${i}.units`] = [`${fromScaled(left)} of item ${line.itemId} cannot be reserved in warehouse ${o.warehouseId}`];
    }
    if (Object.keys(short).length) throw new ApiError('stock.insufficient', `Sales order ${id} cannot be reserved in full; nothing was reserved.`, short);
    if (reservations.length) await st.ctx.db.insert(orderReservations).values(reservations);
    await setStatus(st.ctx, o, 'confirmed');
    return st.commit();
  });
  return { order: await getOrder(ctx, id), transactions: ledger.transactions.map(ledgerView) };
}

async function releaseOrIssue(ctx: RequestContext, id: number, action: 'ship' | 'cancel') {
  await orderRow(ctx, id);
  const ledger = await inStockTransaction(ctx, async (st) => {
    const o = await orderRow(st.ctx, id, true);
    if (action === 'ship' && o.status !== 'confirmed') throw wrongStatus(o, 'ship');
    if (action === 'cancel' && o.status !== 'draft' && o.status !== 'confirmed') throw wrongStatus(o, 'cancel');
    const res = await st.ctx.db
      .select()
      .from(orderReservations)
      .where(inAccount(ctx, orderReservations, eq(orderReservations.orderId, id)))
      .orderBy(asc(orderReservations.id));
    const held = new Map((await st.lockIds(res.map((r) => r.lotId))).map((h) => [h.row.id, h]));
    for (const r of res) {
      const lot = held.get(r.lotId)!;
      const u = storedScaled(r.units);
      if (action === 'ship') st.apply(lot, 'issue', -u, -u, { orderId: id });
      else st.apply(lot, 'release', 0n, -u, { orderId: id });
    }
    await st.ctx.db.delete(orderReservations).where(inAccount(ctx, orderReservations, eq(orderReservations.orderId, id)));
    await setStatus(st.ctx, o, action === 'ship' ? 'shipped' : 'cancelled');
    return st.commit();
  });
  return { order: await getOrder(ctx, id), transactions: ledger.transactions.map(ledgerView) };
}

export const shipOrder = (ctx: RequestContext, id: number) => releaseOrIssue(ctx, id, 'ship');
export const cancelOrder = (ctx: RequestContext, id: number) => releaseOrIssue(ctx, id, 'cancel');
