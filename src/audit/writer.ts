import { sql } from 'drizzle-orm';
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
 * The batch insert: the whole batch travels as one JSON parameter and the database unpacks it into rows, so a batch
 * costs one JSON.stringify here (no query building per row, no thousands of bind parameters). The record's fields are
 * named as the entry's; a field an entry leaves out is null, as the row-by-row insert writes it. Every column but the
 * id has its type here (the compiler holds the list to the table).
 */
const RECORD_TYPES: { [K in Exclude<keyof AuditEntry, 'id'>]-?: string } = {
  accountId: 'bigint',
  userId: 'bigint',
  username: 'text',
  event: 'text',
  credentialKind: 'text',
  credentialId: 'bigint',
  method: 'text',
  path: 'text',
  status: 'integer',
  ip: 'text',
  detail: 'jsonb',
  at: 'timestamptz',
};
const fields = Object.keys(RECORD_TYPES) as (keyof typeof RECORD_TYPES)[];
const quoted = (name: string) => `"${name}"`;
const BATCH_INTO = sql.raw(`(${fields.map((f) => quoted(auditLog[f].name)).join(', ')}) select ${fields.map(quoted).join(', ')}`);
const BATCH_RECORD = sql.raw(fields.map((f) => `${quoted(f)} ${RECORD_TYPES[f]}`).join(', '));

function batchInsert(batch: string[]) {
  return sql`insert into ${auditLog} ${BATCH_INTO} from json_to_recordset(${`[${batch.join(',')}]`}::json) as e(${BATCH_RECORD})`;
}

/**
 * The audit trail, written off the hot path: entries queue in memory and go to the database in one insert every
 * second (or sooner when many are waiting). A batch the database refuses is retried row by row, so one bad entry
 * costs only itself. close() flushes what is left.
 */
export class AuditWriter {
  /**
   * The entries waiting, each already as its JSON text: one flat string per entry instead of an object graph (entry,
   * date, detail) kept alive until its batch is written, which the garbage collector would copy and promote.
   */
  private queue: string[] = [];
  private timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** The flush queued behind the running one, if any. */
  private waiting: Promise<void> | null = null;

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
    this.queue.push(JSON.stringify(entry));
    if (this.queue.length >= this.maxBatch) void this.flush();
  }

  /**
   * Writes everything queued so far; concurrent calls run one after another. A flush takes the entries queued when it
   * starts, and at most one flush waits behind the running one (later calls share it): under a steady stream of
   * requests the queue goes out in full batches once a second, never as a stream of small inserts that each cost a
   * statement.
   */
  flush(): Promise<void> {
    if (this.waiting) return this.waiting;
    const run = this.flushing.then(async () => {
      this.waiting = null;
      let left = this.queue.length;
      while (left > 0) {
        const batch = this.queue.splice(0, Math.min(left, this.maxBatch));
        left -= batch.length;
        await this.insert(batch);
      }
    });
    this.waiting = run;
    this.flushing = run;
    return run;
  }

  private async insert(batch: string[]): Promise<void> {
    try {
      await this.db.execute(batchInsert(batch));
      return;
    } catch {
      // One refused row fails the whole statement: find it by writing the rows one by one.
    }
    const dropped: AuditEntriesDropped['dropped'] = [];
    for (const json of batch) {
      try {
        await this.db.execute(batchInsert([json]));
      } catch (err) {
        const entry = JSON.parse(json) as Pick<AuditEntry, 'event' | 'accountId'>;
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
