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
 * The batch insert: each column of the batch travels as one array parameter and the database unnests the arrays into
 * rows, so a batch costs one statement and twelve parameters, and an entry costs no serialisation of its own on the
 * request's path (only an event's detail, when it has one, becomes JSON text). The time travels as milliseconds since
 * the epoch, as Date.now() gives it. Every column but the id has its array's element type here (the compiler holds
 * the list to the table).
 */
const COLUMN_TYPES: { [K in Exclude<keyof AuditEntry, 'id'>]-?: string } = {
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
  at: 'float8',
};
type Field = keyof typeof COLUMN_TYPES;
const fields = Object.keys(COLUMN_TYPES) as Field[];
const quoted = (name: string) => `"${name}"`;
const INTO = sql.raw(`(${fields.map((f) => quoted(auditLog[f].name)).join(', ')}) select `);
const SELECT = sql.raw(fields.map((f) => (f === 'at' ? `to_timestamp(${quoted(f)} / 1000)` : quoted(f))).join(', '));
const AS = sql.raw(`as e(${fields.map(quoted).join(', ')})`);

type Value = string | number | null;

/** A batch of entries, column by column: one array per field, entry i at index i of each. */
class Batch {
  readonly columns: Record<Field, Value[]> = Object.fromEntries(fields.map((f) => [f, []])) as unknown as Record<Field, Value[]>;

  /** The entries in the batch (every column has one slot per entry). */
  get length(): number {
    return this.columns.event.length;
  }

  add(entry: AuditEntry): void {
    // Every field named (the type holds this list to COLUMN_TYPES), then one slot per column.
    const row: Record<Field, Value> = {
      accountId: entry.accountId ?? null,
      userId: entry.userId ?? null,
      username: entry.username ?? null,
      event: entry.event,
      credentialKind: entry.credentialKind ?? null,
      credentialId: entry.credentialId ?? null,
      method: entry.method ?? null,
      path: entry.path ?? null,
      status: entry.status ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail == null ? null : JSON.stringify(entry.detail),
      at: entry.at ? entry.at.getTime() : Date.now(),
    };
    for (const f of fields) this.columns[f].push(row[f]);
  }

  /** The batch of entry i alone. */
  row(i: number): Batch {
    const one = new Batch();
    for (const f of fields) one.columns[f].push(this.columns[f][i]!);
    return one;
  }

  insert() {
    const params = fields.map((f) => sql`${sql.param(this.columns[f])}::${sql.raw(COLUMN_TYPES[f])}[]`);
    return sql`insert into ${auditLog} ${INTO}${SELECT} from unnest(${sql.join(params, sql`, `)}) ${AS}`;
  }
}

/**
 * The audit trail, written off the hot path: entries queue in memory and go to the database in one insert every
 * second (or sooner when many are waiting). A batch the database refuses is retried row by row, so one bad entry
 * costs only itself. close() flushes what is left.
 */
export class AuditWriter {
  /**
   * The entries waiting, in batches of at most maxBatch, column by column: a queued entry is a dozen array slots
   * (numbers and strings the request already had), not an object graph kept alive until its batch is written, which
   * the garbage collector would copy and promote.
   */
  private batches: Batch[] = [new Batch()];
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
    let last = this.batches[this.batches.length - 1]!;
    if (last.length >= this.maxBatch) this.batches.push((last = new Batch()));
    last.add(entry);
    if (last.length >= this.maxBatch) void this.flush();
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
      const taken = this.batches;
      this.batches = [new Batch()];
      for (const batch of taken) if (batch.length) await this.insert(batch);
    });
    this.waiting = run;
    this.flushing = run;
    return run;
  }

  private async insert(batch: Batch): Promise<void> {
    try {
      await this.db.execute(batch.insert());
      return;
    } catch {
      // One refused row fails the whole statement: find it by writing the rows one by one.
    }
    const dropped: AuditEntriesDropped['dropped'] = [];
    for (let i = 0; i < batch.length; i++) {
      try {
        await this.db.execute(batch.row(i).insert());
      } catch (err) {
        const { event, accountId } = batch.columns;
        dropped.push({ event: String(event[i]).slice(0, 64), accountId: (accountId[i] as number | null) ?? null, code: pgCode(err) ?? 'error' });
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
