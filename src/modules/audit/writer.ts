import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import { BACKGROUND } from '../../defaults.js';

export type AuditEntry = typeof auditLog.$inferInsert;

/**
 * The audit trail, written off the hot path: entries queue in memory and go to the database in one insert every
 * second (or sooner when many are waiting). close() flushes what is left.
 */
export class AuditWriter {
  private queue: AuditEntry[] = [];
  private timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    intervalMs: number = BACKGROUND.auditFlushMs,
    private readonly maxBatch: number = BACKGROUND.auditBatch,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  write(entry: AuditEntry): void {
    entry.at ??= new Date();
    this.queue.push(entry);
    if (this.queue.length >= this.maxBatch) void this.flush();
  }

  /** Writes everything queued so far; concurrent calls run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.db.insert(auditLog).values(batch);
        } catch (err) {
          this.onError(err);
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
