import type { Static } from '@sinclair/typebox';
import { and, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { assertWarehouse, inPermittedWarehouses } from '../../access/warehouses.js';
import { items, lots, stockLevels, stockTransactions, warehouses } from '../../db/schema/index.js';
import { byId } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import { MAX_SCALED, fromScaled, storedScaled, toScaled } from './decimal.js';
import { available, inStockTransaction, type HeldLot, type LedgerRow, type LotRow, type StockTransaction } from './ledger.js';
import { runList, type ListParams, type ListPlan, type ListSpec } from '../../http/list/engine.js';
import { inDateRange } from '../../http/list/filters.js';
import type { AdjustBody, IssueBody, LedgerQuery, LotQuery, MoveBody, ReceiveBody, StockLevelQuery } from './routes.js';

export function lotView(r: LotRow) {
  return {
    recNo: r.id,
    partNo: r.itemId,
    wID: r.warehouseId,
    spot: r.spot,
    serial: r.serial,
    units: r.units,
    reserved: r.reserved,
    available: fromScaled(storedScaled(r.units) - storedScaled(r.reserved)),
    onHold: r.onHold,
    remark: r.remark,
    received: r.receivedAt.toISOString(),
    updated: r.updatedAt.toISOString(),
  };
}

export function ledgerView(r: LedgerRow) {
  return {
    transactionID: r.id,
    recNo: r.lotId,
    partNo: r.itemId,
    wID: r.warehouseId,
    spot: r.spot,
    kind: r.kind,
    units: r.units,
    reserved: r.reserved,
    reference: r.reference,
    orderID: r.orderId,
    reason: r.reason,
    remark: r.remark,
    userID: r.userId,
    credential: r.credentialKind,
    created: r.createdAt.toISOString(),
  };
}

const outcome = (r: Awaited<ReturnType<StockTransaction['commit']>>) => ({
  reference: r.reference,
  lots: r.lots.map(lotView),
  transactions: r.transactions.map(ledgerView),
});

// ---------------------------------------------------------------- lookups (account first, then warehouse scope)

async function activeItem(ctx: RequestContext, partNo: number) {
  const [item] = await ctx.db
    .select({ id: items.id })
    .from(items)
    .where(byId(ctx, items, partNo));
  if (!item) throw ApiError.notFound(`Item ${partNo} not found.`);
}

async function knownWarehouse(ctx: RequestContext, wid: number) {
  assertWarehouse(ctx, wid);
  const [w] = await ctx.db
    .select({ id: warehouses.id })
    .from(warehouses)
    .where(byId(ctx, warehouses, wid));
  if (!w) throw ApiError.notFound(`Warehouse ${wid} not found.`);
}

/** Locks one lot by recNo: 404 outside the account, 403 when it lives in a warehouse the caller may not use. */
async function lockLot(st: StockTransaction, recNo: number): Promise<HeldLot> {
  const [lot] = await st.lockIds([recNo]);
  if (!lot) throw ApiError.notFound(`Lot ${recNo} not found.`);
  assertWarehouse(st.ctx, lot.row.warehouseId);
  return lot;
}

function insufficient(need: bigint, have: bigint, what: string): ApiError {
  return new ApiError('stock.insufficient', `Not enough stock ${what}: ${fromScaled(need)} requested, ${fromScaled(have)} available.`, {
    units: ['exceeds the available stock'],
  });
}

/** Takes `need` from lots, oldest first (received time, then recNo). Throws stock.insufficient if they hold too little. */
function pickFifo(held: HeldLot[], need: bigint, what: string): [HeldLot, bigint][] {
  const sorted = [...held]
    .filter((l) => !l.row.onHold && available(l) > 0n)
    .sort((a, b) => a.row.receivedAt.getTime() - b.row.receivedAt.getTime() || a.row.id - b.row.id);
  const picks: [HeldLot, bigint][] = [];
  let left = need;
  for (const l of sorted) {
    if (left === 0n) break;
    const take = available(l) < left ? available(l) : left;
    picks.push([l, take]);
    left -= take;
  }
  if (left > 0n) throw insufficient(need, need - left, what);
  return picks;
}

/** An input quantity as a scaled bigint; a value that is not exact at 4 places is a validation error naming the field. */
export function parseUnits(v: string | number, field = 'units'): bigint {
  try {
    return toScaled(v);
  } catch {
    throw ApiError.validation({ [field]: ['must be a decimal with at most 4 places'] });
  }
}

const positive = (v: string | number, field = 'units') => {
  const n = parseUnits(v, field);
  if (n <= 0n) throw ApiError.validation({ [field]: ['must be greater than zero'] });
  return n;
};

// ---------------------------------------------------------------- transactions

export type ReceiveInput = Static<typeof ReceiveBody>;

export async function receiveStock(ctx: RequestContext, input: ReceiveInput) {
  const units = positive(input.units);
  await knownWarehouse(ctx, input.wID);
  await activeItem(ctx, input.partNo);
  const r = await inStockTransaction(ctx, async (st) => {
    const lot = await st.create({
      itemId: input.partNo,
      warehouseId: input.wID,
      spot: input.spot ?? '',
      serial: input.serial ?? null,
      remark: input.remark ?? null,
    });
    st.apply(lot, 'receive', units, 0n, { remark: input.remark });
    return st.commit();
  });
  return outcome(r);
}

export type MoveInput = Static<typeof MoveBody>;

/** Moves a lot (all of what is available, or `units` of it), or `units` of an item oldest-first, to another warehouse/bin. */
export async function moveStock(ctx: RequestContext, input: MoveInput) {
  if (input.recNo === undefined && (input.partNo === undefined || input.fromWID === undefined || input.units === undefined)) {
    throw ApiError.validation({ recNo: ['give a recNo, or partNo, fromWID and units'] });
  }
  const units = input.units === undefined ? undefined : positive(input.units);
  if (input.fromWID !== undefined) assertWarehouse(ctx, input.fromWID);
  await knownWarehouse(ctx, input.toWID);
  if (input.partNo !== undefined && input.recNo === undefined) await activeItem(ctx, input.partNo);
  const toSpot = input.toSpot ?? '';
  const r = await inStockTransaction(ctx, async (st) => {
    let picks: [HeldLot, bigint][];
    if (input.recNo !== undefined) {
      const lot = await lockLot(st, input.recNo);
      const take = units ?? available(lot);
      if (take <= 0n || take > available(lot)) throw insufficient(take, available(lot), `in lot ${lot.row.id}`);
      picks = [[lot, take]];
    } else {
      const held = await st.lock(
        and(
          eq(lots.itemId, input.partNo!),
          eq(lots.warehouseId, input.fromWID!),
          input.fromSpot !== undefined ? eq(lots.spot, input.fromSpot) : undefined,
          gt(sql`${lots.units} - ${lots.reserved}`, 0),
        ),
      );
      picks = pickFifo(held, units!, `of item ${input.partNo} in warehouse ${input.fromWID}`);
    }
    for (const [lot, take] of picks) {
      if (lot.row.warehouseId === input.toWID && lot.row.spot === toSpot) throw ApiError.validation({ toWID: ['the stock is already there'] });
      const dest = await st.create({
        itemId: lot.row.itemId,
        warehouseId: input.toWID,
        spot: toSpot,
        serial: lot.row.serial,
        remark: input.remark ?? lot.row.remark,
        receivedAt: lot.row.receivedAt,
        onHold: lot.row.onHold,
      });
      st.apply(lot, 'move_out', -take, 0n, { remark: input.remark });
      st.apply(dest, 'move_in', take, 0n, { remark: input.remark });
    }
    return st.commit();
  });
  return outcome(r);
}

export type IssueInput = Static<typeof IssueBody>;

export async function issueStock(ctx: RequestContext, input: IssueInput) {
  if (input.recNo === undefined && (input.partNo === undefined || input.wID === undefined)) {
    throw ApiError.validation({ recNo: ['give a recNo, or partNo and wID'] });
  }
  const units = positive(input.units);
  if (input.wID !== undefined) await knownWarehouse(ctx, input.wID);
  if (input.partNo !== undefined && input.recNo === undefined) await activeItem(ctx, input.partNo);
  const r = await inStockTransaction(ctx, async (st) => {
    let picks: [HeldLot, bigint][];
    if (input.recNo !== undefined) {
      const lot = await lockLot(st, input.recNo);
      if (lot.row.onHold) throw new ApiError('conflict', `Lot ${lot.row.id} is on hold and cannot be issued.`, { recNo: ['is on hold'] });
      if (units > available(lot)) throw insufficient(units, available(lot), `in lot ${lot.row.id}`);
      picks = [[lot, units]];
    } else {
      const held = await st.lock(
        and(
          eq(lots.itemId, input.partNo!),
          eq(lots.warehouseId, input.wID!),
          input.spot !== undefined ? eq(lots.spot, input.spot) : undefined,
          gt(sql`${lots.units} - ${lots.reserved}`, 0),
          eq(lots.onHold, false),
        ),
      );
      picks = pickFifo(held, units, `of item ${input.partNo} in warehouse ${input.wID}`);
    }
    for (const [lot, take] of picks) st.apply(lot, 'issue', -take, 0n, { remark: input.remark });
    return st.commit();
  });
  return outcome(r);
}

export type AdjustInput = Static<typeof AdjustBody>;

export async function adjustStock(ctx: RequestContext, input: AdjustInput) {
  if ((input.units === undefined) === (input.delta === undefined)) throw ApiError.validation({ units: ['give exactly one of units (the count) or delta'] });
  const r = await inStockTransaction(ctx, async (st) => {
    const lot = await lockLot(st, input.recNo);
    const delta = input.delta !== undefined ? parseUnits(input.delta, 'delta') : parseUnits(input.units!) - lot.units;
    if (input.units !== undefined && parseUnits(input.units) < 0n) throw ApiError.validation({ units: ['must not be negative'] });
    if (lot.units + delta < lot.reserved) throw insufficient(-delta, lot.units - lot.reserved, `to remove from lot ${lot.row.id}`);
    if (delta === 0n) throw ApiError.validation({ units: ['the count equals the recorded quantity'] });
    if (lot.units + delta > MAX_SCALED)
      throw new ApiError('conflict', `The lot would hold more than ${fromScaled(MAX_SCALED)}.`, {
        [input.delta !== undefined ? 'delta' : 'units']: ['would exceed 99999999999999.9999 in stock'],
      });
    st.apply(lot, 'adjust', delta, 0n, { reason: input.reason, remark: input.remark });
    return st.commit();
  });
  return outcome(r);
}

export async function setHold(ctx: RequestContext, recNo: number, onHold: boolean, remark: string | null) {
  const r = await inStockTransaction(ctx, async (st) => {
    const lot = await lockLot(st, recNo);
    if (lot.row.onHold !== onHold) {
      lot.row.onHold = onHold;
      lot.dirty = true;
      st.note(lot, onHold ? 'hold' : 'unhold', remark);
    }
    return st.commit();
  });
  return r.lots[0] ? lotView(r.lots[0]) : getLot(ctx, recNo);
}

// ---------------------------------------------------------------- reads

const lotSpec: ListSpec<LotRow> = {
  sorts: { recNo: { column: lots.id, value: (r) => r.id }, received: { column: lots.receivedAt, kind: 'date', value: (r) => r.receivedAt } },
  id: { column: lots.id, value: (r) => r.id },
};

/** From the route's query schema (and `offset`, from the dialects). */
export type LotFilters = ListParams & Static<typeof LotQuery>;

export async function listLots(ctx: RequestContext, q: LotFilters, pathWarehouse = false) {
  if (q.wID !== undefined) {
    if (pathWarehouse) await knownWarehouse(ctx, q.wID);
    else assertWarehouse(ctx, q.wID);
  }
  const filters = [
    inPermittedWarehouses(ctx, lots.warehouseId),
    q.wID !== undefined ? eq(lots.warehouseId, q.wID) : undefined,
    q.partNo !== undefined ? eq(lots.itemId, q.partNo) : undefined,
    q.spot !== undefined ? eq(lots.spot, q.spot) : undefined,
    q.serial !== undefined ? eq(lots.serial, q.serial) : undefined,
    q.onHold !== undefined ? eq(lots.onHold, q.onHold) : undefined,
    q.empty !== undefined ? (q.empty ? sql`${lots.units} = 0` : sql`${lots.units} > 0`) : undefined,
  ];
  return runList(ctx, lotSpec, q, { table: lots, filters, counter: 'lots' }, (rows) => rows.map(lotView));
}

export async function getLot(ctx: RequestContext, recNo: number) {
  const [row] = await ctx.db
    .select()
    .from(lots)
    .where(byId(ctx, lots, recNo));
  if (!row) throw ApiError.notFound(`Lot ${recNo} not found.`);
  assertWarehouse(ctx, row.warehouseId);
  return lotView(row);
}

interface LevelRow {
  partNo: number;
  wID: number;
  shortID: string;
  description: string;
  onHand: string;
  reserved: string;
}

const levelSpec: ListSpec<LevelRow> = {
  sorts: { partNo: { column: stockLevels.itemId, value: (r) => r.partNo } },
  id: { column: stockLevels.warehouseId, value: (r) => r.wID },
  defaultSort: 'partNo',
};

export function levelView(r: LevelRow) {
  return { ...r, available: fromScaled(storedScaled(r.onHand) - storedScaled(r.reserved)) };
}

export async function listStockLevels(ctx: RequestContext, q: ListParams & Static<typeof StockLevelQuery>, pathWarehouse = false) {
  if (q.wID !== undefined) {
    if (pathWarehouse) await knownWarehouse(ctx, q.wID);
    else assertWarehouse(ctx, q.wID);
  }
  const filters = [
    inPermittedWarehouses(ctx, stockLevels.warehouseId),
    q.wID !== undefined ? eq(stockLevels.warehouseId, q.wID) : undefined,
    q.partNo !== undefined ? eq(stockLevels.itemId, q.partNo) : undefined,
  ];
  const rows = (where: SQL | undefined, plan: ListPlan<LevelRow>) =>
    ctx.db
      .select({
        partNo: stockLevels.itemId,
        wID: stockLevels.warehouseId,
        shortID: items.shortId,
        description: items.description,
        onHand: stockLevels.onHand,
        reserved: stockLevels.reserved,
      })
      .from(stockLevels)
      .innerJoin(items, eq(items.id, stockLevels.itemId))
      .where(where)
      .orderBy(...plan.orderBy)
      .limit(plan.limit)
      .offset(plan.offset);
  return runList(ctx, levelSpec, { ...q, sort: q.sort ?? 'partNo' }, { table: stockLevels, filters, counter: 'stock_levels', rows }, (r) => r.map(levelView));
}

const ledgerSpec: ListSpec<LedgerRow> = {
  sorts: { transactionID: { column: stockTransactions.id, value: (r) => r.id } },
  id: { column: stockTransactions.id, value: (r) => r.id },
};

/** From the route's query schema (and `offset`, from the dialects; `kind` may be any text there: an unknown kind matches nothing). */
export type LedgerFilters = ListParams & Omit<Static<typeof LedgerQuery>, 'kind'> & { kind?: string };

export async function listTransactions(ctx: RequestContext, q: LedgerFilters) {
  if (q.wID !== undefined) assertWarehouse(ctx, q.wID);
  const t = stockTransactions;
  const filters = [
    inPermittedWarehouses(ctx, t.warehouseId),
    q.wID !== undefined ? eq(t.warehouseId, q.wID) : undefined,
    q.partNo !== undefined ? eq(t.itemId, q.partNo) : undefined,
    q.recNo !== undefined ? eq(t.lotId, q.recNo) : undefined,
    q.kind !== undefined ? eq(t.kind, q.kind) : undefined,
    q.reference !== undefined ? eq(t.reference, q.reference) : undefined,
    q.orderID !== undefined ? eq(t.orderId, q.orderID) : undefined,
    ...inDateRange(t.createdAt, q.from, q.to),
  ];
  return runList(ctx, ledgerSpec, q, { table: t, filters, counter: 'stock_transactions' }, (rows) => rows.map(ledgerView));
}
