import { randomUUID } from 'node:crypto';
import { asc, inArray, sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { isForeignKeyViolation, isNumericOverflow, isSerializationFailure } from '../../db/errors.js';
import { ApiError } from '../../http/errors.js';
import { lots, stockLevels, stockTransactions } from '../../db/schema/index.js';
import { inAccount } from '../../db/scoped.js';
import { MAX_SCALED, fromScaled, storedScaled } from './decimal.js';
import { bumpCounter } from '../../http/list/count.js';

export type LotRow = typeof lots.$inferSelect;
export type LedgerRow = typeof stockTransactions.$inferSelect;
export type Kind = 'receive' | 'move_out' | 'move_in' | 'issue' | 'adjust' | 'reserve' | 'release' | 'hold' | 'unhold';

/** A lot as held during a transaction: quantities as scaled bigints. */
export interface HeldLot {
  row: LotRow;
  units: bigint;
  reserved: bigint;
  dirty: boolean;
}

export const available = (l: HeldLot) => l.units - l.reserved;

/**
 * One stock transaction in progress, inside one database transaction. Callers lock lots (always in id order, so
 * concurrent transactions cannot deadlock on them), change them through `apply`, and `commit` writes the lots,
 * one ledger row per change, the per-(item, warehouse) levels and the counters — all in the same transaction.
 */
export class StockTransaction {
  readonly reference: string;
  private readonly entries: (typeof stockTransactions.$inferInsert)[] = [];
  private readonly levels = new Map<string, { itemId: number; warehouseId: number; units: bigint; reserved: bigint }>();
  private readonly held = new Map<number, HeldLot>();
  private newLots = 0;

  constructor(
    /** The transaction's context (from `ctx.tx`): `ctx.db` is the transaction. */
    readonly ctx: RequestContext,
    reference?: string,
  ) {
    this.reference = reference ?? randomUUID();
  }

  /** Locks the lots matching `where` (account-scoped) in id order, FOR UPDATE. */
  async lock(where: SQL | undefined): Promise<HeldLot[]> {
    const rows = await this.ctx.db
      .select()
      .from(lots)
      .where(inAccount(this.ctx, lots, where))
      .orderBy(asc(lots.id))
      .for('update');
    return rows.map((row) => {
      const known = this.held.get(row.id);
      if (known) return known;
      const h: HeldLot = { row, units: storedScaled(row.units), reserved: storedScaled(row.reserved), dirty: false };
      this.held.set(row.id, h);
      return h;
    });
  }

  async lockIds(ids: number[]): Promise<HeldLot[]> {
    return ids.length ? this.lock(inArray(lots.id, [...new Set(ids)])) : [];
  }

  /** A new lot (receive, or the far end of a move). */
  async create(v: {
    itemId: number;
    warehouseId: number;
    spot: string;
    serial: string | null;
    remark: string | null;
    receivedAt?: Date;
    onHold?: boolean;
  }): Promise<HeldLot> {
    const [row] = await this.ctx.db
      .insert(lots)
      .values({
        accountId: this.ctx.accountId,
        itemId: v.itemId,
        warehouseId: v.warehouseId,
        spot: v.spot,
        serial: v.serial,
        remark: v.remark,
        receivedAt: v.receivedAt,
        onHold: v.onHold ?? false,
      })
      .returning();
    const h: HeldLot = { row: row!, units: 0n, reserved: 0n, dirty: false };
    this.held.set(row!.id, h);
    this.newLots++;
    return h;
  }

  /** Changes a held lot and records the ledger entry. The caller has checked the change is allowed. */
  apply(lot: HeldLot, kind: Kind, units: bigint, reserved: bigint, extra: { reason?: string | null; remark?: string | null; orderId?: number | null } = {}) {
    // numeric(18,4) holds at most 99,999,999,999,999.9999: refuse before any SQL rather than overflow in it.
    if (lot.units + units > MAX_SCALED || units > MAX_SCALED || -units > MAX_SCALED) throw tooMuch(units > 0n ? 'units' : 'delta');
    lot.units += units;
    lot.reserved += reserved;
    if (lot.units < 0n || lot.reserved < 0n || lot.reserved > lot.units) throw new Error(`stock invariant broken on lot ${lot.row.id}`);
    lot.dirty = true;
    this.entries.push({
      accountId: this.ctx.accountId,
      lotId: lot.row.id,
      itemId: lot.row.itemId,
      warehouseId: lot.row.warehouseId,
      spot: lot.row.spot,
      kind,
      units: fromScaled(units),
      reserved: fromScaled(reserved),
      reference: this.reference,
      orderId: extra.orderId ?? null,
      reason: extra.reason ?? null,
      remark: extra.remark ?? null,
      userId: this.ctx.principal.user.id,
      credentialKind: this.ctx.principal.credential.kind,
    });
    if (units !== 0n || reserved !== 0n) {
      const key = `${lot.row.itemId}:${lot.row.warehouseId}`;
      const lv = this.levels.get(key) ?? { itemId: lot.row.itemId, warehouseId: lot.row.warehouseId, units: 0n, reserved: 0n };
      lv.units += units;
      lv.reserved += reserved;
      this.levels.set(key, lv);
    }
  }

  /** Records a zero-quantity event (hold, release of hold). */
  note(lot: HeldLot, kind: Kind, remark: string | null) {
    this.entries.push({
      accountId: this.ctx.accountId,
      lotId: lot.row.id,
      itemId: lot.row.itemId,
      warehouseId: lot.row.warehouseId,
      spot: lot.row.spot,
      kind,
      reference: this.reference,
      remark,
      userId: this.ctx.principal.user.id,
      credentialKind: this.ctx.principal.credential.kind,
    });
  }

  async commit(): Promise<{ reference: string; transactions: LedgerRow[]; lots: LotRow[] }> {
    const now = new Date();
    const changed: LotRow[] = [];
    for (const h of [...this.held.values()].sort((a, b) => a.row.id - b.row.id)) {
      if (!h.dirty) continue;
      const [row] = await this.ctx.db
        .update(lots)
        .set({ units: fromScaled(h.units), reserved: fromScaled(h.reserved), onHold: h.row.onHold, updatedAt: now })
        .where(inAccount(this.ctx, lots, sql`${lots.id} = ${h.row.id}`))
        .returning();
      changed.push(row!);
    }
    const transactions = this.entries.length ? await this.ctx.db.insert(stockTransactions).values(this.entries).returning() : [];
    let newLevels = 0;
    const levels = [...this.levels.values()].sort((a, b) => a.itemId - b.itemId || a.warehouseId - b.warehouseId);
    for (const lv of levels) {
      const [r] = await this.ctx.db
        .insert(stockLevels)
        .values({
          accountId: this.ctx.accountId,
          itemId: lv.itemId,
          warehouseId: lv.warehouseId,
          onHand: fromScaled(lv.units),
          reserved: fromScaled(lv.reserved),
        })
        .onConflictDoUpdate({
          target: [stockLevels.accountId, stockLevels.itemId, stockLevels.warehouseId],
          set: { onHand: sql`${stockLevels.onHand} + excluded.on_hand`, reserved: sql`${stockLevels.reserved} + excluded.reserved`, updatedAt: now },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      if (r?.inserted) newLevels++;
    }
    // Counters last, in a fixed order: they are the most contended rows.
    await bumpCounter(this.ctx.db, this.ctx.accountId, 'lots', this.newLots);
    await bumpCounter(this.ctx.db, this.ctx.accountId, 'stock_levels', newLevels);
    await bumpCounter(this.ctx.db, this.ctx.accountId, 'stock_transactions', transactions.length);
    return { reference: this.reference, transactions, lots: changed };
  }
}

const tooMuch = (field: string) =>
  new ApiError('conflict', `The quantity would exceed the largest stock a lot or level can hold (${fromScaled(MAX_SCALED)}).`, {
    [field]: ['would exceed 99999999999999.9999 in stock'],
  });

/**
 * Runs `work` in a database transaction, retrying on serialization failures and deadlocks (PostgreSQL may pick
 * any of two waiting transactions as the victim). Nothing is written unless `work` returns.
 */
export async function inStockTransaction<T>(ctx: RequestContext, work: (st: StockTransaction) => Promise<T>, reference?: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A transaction of its own on every attempt, rolled back whole before the retry: never call this inside another
      // ctx.tx, which it would join (and a retry inside an aborted transaction cannot succeed).
      return await ctx.tx(async (tx) => work(new StockTransaction(tx, reference)));
    } catch (err) {
      if (attempt < 8 && isSerializationFailure(err)) {
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
        continue;
      }
      // A stock level (the sum of an item's lots in a warehouse) would pass numeric(18,4): nothing was written.
      if (isNumericOverflow(err)) throw tooMuch('units');
      // The item or warehouse was deleted while this transaction ran.
      if (isForeignKeyViolation(err)) throw ApiError.notFound('The item or warehouse no longer exists.');
      throw err;
    }
  }
}
