import type { Db } from '../db/client.js';
import { pgCode } from '../db/errors.js';
import { auditLog } from '../db/schema/index.js';
import { BACKGROUND } from '../defaults.js';
import type { AuditDetails, AuditEvent } from './events.js';

type Row = typeof auditLog.$inferInsert;

/** One entry of the trail: an event of the closed list (src/audit/events.ts), with that event's detail. */
export type AuditEntry<E extends AuditEvent = AuditEvent> = E extends AuditEvent
  ? Omit<Row, 'event' | 'detail'> & { event: E; detail?: AuditDetails[E] | null }
  : never;

/** Entries the database refused, described without their content (which may hold names and addresses). */
export class AuditEntriesDropped extends Error {
  constructor(readonly dropped: { event: string; accountId: number | null; code: string }[]) {
    super(
      `${dropped.length} audit entr${dropped.length === 1 ? 'y' : 'ies'} refused by the database and dropped: ${dropped
        .slice(0, 10)
        .map((d) => `${d.event} (account ${d.accountId ?? '-'}, ${d.code})`)
        .join(', ')}${dropped.length > 10 ? ', …' : ''}`,
    );
  }
}

/**
 * The audit trail, written off the hot path: entries queue in memory and go to the database in one insert every
 * second (or sooner when many are waiting). A batch the database refuses is retried row by row, so one bad entry
 * costs only itself. close() flushes what is left.
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

  write<E extends AuditEvent>(entry: AuditEntry<E>): void {
    entry.at ??= new Date();
    this.queue.push(entry);
    if (this.queue.length >= this.maxBatch) void this.flush();
  }

  /** Writes everything queued so far; concurrent calls run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.queue.length) await this.insert(this.queue.splice(0, this.maxBatch));
    });
    return this.flushing;
  }

  private async insert(batch: AuditEntry[]): Promise<void> {
    try {
      await this.db.insert(auditLog).values(batch as Row[]);
      return;
    } catch {
      // One refused row fails the whole statement: find it by writing the rows one by one.
    }
    const dropped: AuditEntriesDropped['dropped'] = [];
    for (const entry of batch) {
      try {
        await this.db.insert(auditLog).values(entry as Row);
      } catch (err) {
        dropped.push({ event: String(entry.event).slice(0, 64), accountId: entry.accountId ?? null, code: pgCode(err) ?? 'error' });
      }
    }
    if (dropped.length) {
      try {
        this.onError(new AuditEntriesDropped(dropped));
      } catch {
        // A throwing error sink must not stop the writer.
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
