import { inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { ApiError } from '../http/errors.js';

/**
 * Warehouse scope (seed 001): a user may be limited to some warehouses, and every credential of the user with it.
 * Every stock query filters with `inPermittedWarehouses`; every named warehouse passes `assertWarehouse`.
 */
export interface WarehouseScoped {
  warehouses: ReadonlySet<number> | null;
}

/** A condition limiting `column` to the caller's warehouses; undefined (no condition) when all are permitted. */
export function inPermittedWarehouses(ctx: WarehouseScoped, column: PgColumn): SQL | undefined {
  if (ctx.warehouses === null) return undefined;
  if (ctx.warehouses.size === 0) return sql`false`;
  return inArray(column, [...ctx.warehouses]);
}

export function mayUseWarehouse(ctx: WarehouseScoped, warehouseId: number): boolean {
  return ctx.warehouses === null || ctx.warehouses.has(warehouseId);
}

/** Throws 403 warehouse.forbidden unless the caller may use every warehouse named. */
export function assertWarehouse(ctx: WarehouseScoped, ...warehouseIds: number[]): void {
  for (const id of warehouseIds) {
    if (!mayUseWarehouse(ctx, id)) throw new ApiError('warehouse.forbidden', `You do not have access to warehouse ${id}.`);
  }
}
