import type { Static } from '@sinclair/typebox';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { assertWarehouse, inPermittedWarehouses } from '../../access/warehouses.js';
import { items, orderLines, salesOrders, stockLevels, stockTransactions } from '../../db/schema/index.js';
import { inAccount } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import { fromScaled, storedScaled } from '../inventory/decimal.js';
import { inDateRange } from '../../http/list/filters.js';
import { REPORT_NAMES, type ReportName } from '../../access/permissions.js';
import type { ReportQuery, ReportSchema } from './routes.js';

export const REPORTS: Record<ReportName, { title: string; description: string; parameters: string[] }> = {
  'stock-levels': { title: 'Stock levels', description: 'On hand, reserved and available per item and warehouse.', parameters: ['wID'] },
  'stock-valuation': { title: 'Stock valuation', description: 'On hand × item cost per item and warehouse, with the total.', parameters: ['wID'] },
  'low-stock': {
    title: 'Low stock',
    description: 'Active items whose available stock (over your warehouses) is below their reorder point.',
    parameters: ['wID'],
  },
  'movement-history': { title: 'Movement history', description: 'Ledger entries in a date range.', parameters: ['from', 'to', 'wID', 'partNo'] },
  'order-summary': {
    title: 'Order summary',
    description: 'Orders, units and value per status, for orders created in a date range.',
    parameters: ['from', 'to', 'wID'],
  },
};

/** Report access is per report, per group; a superuser's `reports` is null (every report). */
export function mayRun(ctx: RequestContext, name: string): boolean {
  const granted = ctx.principal.user.reports;
  return granted === null || granted.has(name);
}

export function availableReports(ctx: RequestContext) {
  return REPORT_NAMES.filter((n) => mayRun(ctx, n)).map((name) => ({ name, ...REPORTS[name] }));
}

/** A report's parameters: the query without `format`, which only the route reads. */
export type ReportParams = Omit<Static<typeof ReportQuery>, 'format'>;

/** The answer's schema says `name` is a string; here it is one of the closed list of report names. */
export type ReportResult = Omit<Static<typeof ReportSchema>, 'name'> & { name: ReportName };

const dec = (v: string | null) => (v === null ? null : fromScaled(storedScaled(v)));

export async function runReport(ctx: RequestContext, name: string, p: ReportParams): Promise<ReportResult> {
  if (!(REPORT_NAMES as readonly string[]).includes(name)) throw ApiError.notFound(`No report named "${name}".`);
  if (!mayRun(ctx, name)) throw new ApiError('permission.denied', `Your groups do not grant the "${name}" report.`);
  if (p.wID !== undefined) assertWarehouse(ctx, p.wID);
  const rn = name as ReportName;
  const base = { name: rn, title: REPORTS[rn].title, generated: new Date().toISOString() };
  const lv = stockLevels;
  const levelWhere = inAccount(ctx, lv, inPermittedWarehouses(ctx, lv.warehouseId), p.wID !== undefined ? eq(lv.warehouseId, p.wID) : undefined);
  const cap = p.limit + 1;
  const finish = (columns: string[], rows: ReportResult['rows'], totals: ReportResult['totals'] = {}): ReportResult => ({
    ...base,
    columns,
    rows: rows.slice(0, p.limit),
    totals,
    truncated: rows.length > p.limit,
  });

  switch (rn) {
    case 'stock-levels': {
      const rows = await ctx.db
        .select({
          partNo: lv.itemId,
          shortID: items.shortId,
          description: items.description,
          wID: lv.warehouseId,
          onHand: lv.onHand,
          reserved: lv.reserved,
          available: sql<string>`${lv.onHand} - ${lv.reserved}`,
        })
        .from(lv)
        .innerJoin(items, eq(items.id, lv.itemId))
        .where(levelWhere)
        .orderBy(asc(lv.itemId), asc(lv.warehouseId))
        .limit(cap);
      return finish(
        ['partNo', 'shortID', 'description', 'wID', 'onHand', 'reserved', 'available'],
        rows.map((r) => ({ ...r, onHand: dec(r.onHand), reserved: dec(r.reserved), available: dec(r.available) })),
      );
    }
    case 'stock-valuation': {
      const value = sql<string>`round(${lv.onHand} * coalesce(${items.cost}, 0), 4)`;
      const [rows, [sum]] = await Promise.all([
        ctx.db
          .select({ partNo: lv.itemId, shortID: items.shortId, wID: lv.warehouseId, onHand: lv.onHand, cost: items.cost, value })
          .from(lv)
          .innerJoin(items, eq(items.id, lv.itemId))
          .where(levelWhere)
          .orderBy(asc(lv.itemId), asc(lv.warehouseId))
          .limit(cap),
        ctx.db
          .select({
            onHand: sql<string>`coalesce(sum(${lv.onHand}), 0)`,
            value: sql<string>`coalesce(sum(round(${lv.onHand} * coalesce(${items.cost}, 0), 4)), 0)`,
          })
          .from(lv)
          .innerJoin(items, eq(items.id, lv.itemId))
          .where(levelWhere),
      ]);
      return finish(
        ['partNo', 'shortID', 'wID', 'onHand', 'cost', 'value'],
        rows.map((r) => ({ ...r, onHand: dec(r.onHand), cost: dec(r.cost), value: dec(r.value) })),
        { onHand: dec(sum!.onHand)!, value: dec(sum!.value)! },
      );
    }
    case 'low-stock': {
      // Items with no stock level row at all count as 0 available.
      const joinOn: SQL = and(
        eq(lv.itemId, items.id),
        eq(lv.accountId, items.accountId),
        inPermittedWarehouses(ctx, lv.warehouseId),
        p.wID !== undefined ? eq(lv.warehouseId, p.wID) : undefined,
      )!;
      const availableSql = sql<string>`coalesce(sum(${lv.onHand} - ${lv.reserved}), 0)`;
      const rows = await ctx.db
        .select({
          partNo: items.id,
          shortID: items.shortId,
          description: items.description,
          reorderPoint: items.reorderPoint,
          onHand: sql<string>`coalesce(sum(${lv.onHand}), 0)`,
          available: availableSql,
        })
        .from(items)
        .leftJoin(lv, joinOn)
        .where(inAccount(ctx, items, eq(items.active, true), sql`${items.reorderPoint} is not null`))
        .groupBy(items.id)
        .having(sql`${availableSql} < ${items.reorderPoint}`)
        .orderBy(asc(items.id))
        .limit(cap);
      return finish(
        ['partNo', 'shortID', 'description', 'reorderPoint', 'onHand', 'available', 'shortfall'],
        rows.map((r) => ({
          ...r,
          reorderPoint: dec(r.reorderPoint),
          onHand: dec(r.onHand),
          available: dec(r.available),
          shortfall: fromScaled(storedScaled(r.reorderPoint!) - storedScaled(r.available)),
        })),
      );
    }
    case 'movement-history': {
      const t = stockTransactions;
      const rows = await ctx.db
        .select({
          transactionID: t.id,
          created: t.createdAt,
          kind: t.kind,
          partNo: t.itemId,
          shortID: items.shortId,
          wID: t.warehouseId,
          spot: t.spot,
          recNo: t.lotId,
          units: t.units,
          reserved: t.reserved,
          reference: t.reference,
          orderID: t.orderId,
          reason: t.reason,
          userID: t.userId,
        })
        .from(t)
        .innerJoin(items, eq(items.id, t.itemId))
        .where(
          inAccount(
            ctx,
            t,
            inPermittedWarehouses(ctx, t.warehouseId),
            p.wID !== undefined ? eq(t.warehouseId, p.wID) : undefined,
            p.partNo !== undefined ? eq(t.itemId, p.partNo) : undefined,
            ...inDateRange(t.createdAt, p.from, p.to),
          ),
        )
        .orderBy(asc(t.id))
        .limit(cap);
      return finish(
        ['transactionID', 'created', 'kind', 'partNo', 'shortID', 'wID', 'spot', 'recNo', 'units', 'reserved', 'reference', 'orderID', 'reason', 'userID'],
        rows.map((r) => ({ ...r, created: r.created.toISOString(), units: dec(r.units), reserved: dec(r.reserved) })),
      );
    }
    case 'order-summary': {
      const o = salesOrders;
      const rows = await ctx.db
        .select({
          status: o.status,
          orders: sql<number>`count(distinct ${o.id})::int`,
          lines: sql<number>`count(${orderLines.id})::int`,
          units: sql<string>`coalesce(sum(${orderLines.units}), 0)`,
          value: sql<string>`coalesce(sum(round(${orderLines.units} * coalesce(${orderLines.price}, 0), 4)), 0)`,
        })
        .from(o)
        .leftJoin(orderLines, eq(orderLines.orderId, o.id))
        .where(
          inAccount(
            ctx,
            o,
            inPermittedWarehouses(ctx, o.warehouseId),
            p.wID !== undefined ? eq(o.warehouseId, p.wID) : undefined,
            ...inDateRange(o.createdAt, p.from, p.to),
          ),
        )
        .groupBy(o.status)
        .orderBy(asc(o.status));
      const out = rows.map((r) => ({ ...r, units: dec(r.units), value: dec(r.value) }));
      const total = (k: 'units' | 'value') => fromScaled(out.reduce((a, r) => a + storedScaled(r[k]!), 0n));
      return finish(['status', 'orders', 'lines', 'units', 'value'], out, {
        orders: out.reduce((a, r) => a + r.orders, 0),
        units: total('units'),
        value: total('value'),
      });
    }
  }
}

/** RFC 4180 CSV: a header, one line per row, CRLF; fields with a comma, quote or newline are quoted. */
export function toCsv(r: ReportResult): string {
  const cell = (v: string | number | null | undefined) => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    // A cell starting with = + - @ would be a formula in a spreadsheet: prefix it (CSV injection). Numbers excepted.
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [r.columns.join(','), ...r.rows.map((row) => r.columns.map((c) => cell(row[c])).join(','))].join('\r\n') + '\r\n';
}
