import { and, asc, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';

export const AUDIT_RETENTION = {
  /** Rows deleted per statement: each statement holds its row locks only for that many rows. */
  batchSize: 1_000,
  /** Pause between two batches, so a large backlog never monopolises the database. */
  pauseMs: 20,
  /** How often an instance looks for expired entries. */
  intervalMs: 10 * 60_000,
} as const;

const DAY_MS = 86_400_000;

/**
 * Deletes audit entries older than `days`, oldest first, in batches of `batchSize`. Each batch takes the oldest rows
 * by id (the primary key index, never a scan of the table), deletes those past the cutoff, and stops at the first
 * batch that is not entirely expired. Rows another instance is deleting are skipped, not waited for.
 * Returns how many rows were deleted.
 */
export async function sweepAuditLog(
  db: Db,
  days: number,
  opts: { now?: Date; batchSize?: number; pauseMs?: number; shouldStop?: () => boolean } = {},
): Promise<number> {
  if (days <= 0) return 0;
  const cutoff = new Date((opts.now ?? new Date()).getTime() - days * DAY_MS);
  const batchSize = opts.batchSize ?? AUDIT_RETENTION.batchSize;
  const pauseMs = opts.pauseMs ?? AUDIT_RETENTION.pauseMs;
  let total = 0;
  for (;;) {
    const oldest = db.select({ id: auditLog.id }).from(auditLog).orderBy(asc(auditLog.id)).limit(batchSize).for('update', { skipLocked: true });
    const gone = await db
      .delete(auditLog)
      .where(and(inArray(auditLog.id, oldest), lt(auditLog.at, cutoff)))
      .returning({ id: auditLog.id });
    const deleted = gone.length;
    total += deleted;
    if (deleted < batchSize || opts.shouldStop?.()) return total;
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/**
 * Runs the retention sweep shortly after start and then every `intervalMs`, off the request path; errors go to
 * `onError`. The returned stop function waits for a sweep in progress to finish its current batch.
 */
export function startAuditRetention(
  db: Db,
  days: number,
  onError: (err: unknown) => void,
  intervalMs: number = AUDIT_RETENTION.intervalMs,
): () => Promise<void> {
  if (days <= 0) return async () => {};
  let stopped = false;
  let running: Promise<void> | null = null;
  const run = () => {
    if (running || stopped) return;
    running = sweepAuditLog(db, days, { shouldStop: () => stopped })
      .then(
        () => {},
        (err) => onError(err),
      )
      .finally(() => (running = null));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  const first = setTimeout(run, Math.min(5_000, intervalMs));
  first.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(first);
    await running?.catch(() => {});
  };
}
