import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { BACKGROUND } from '../defaults.js';

type Table = 'personal_tokens' | 'api_keys' | 'sessions';

/**
 * Records when and from where a credential was last used, off the hot path: requests only note it in memory,
 * and a timer writes one UPDATE per table every few seconds.
 */
export class UsageRecorder {
  private pending = new Map<string, { table: Table; id: number; at: Date; ip: string }>();
  private timer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    intervalMs: number = BACKGROUND.usageFlushMs,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  touch(table: Table, id: number, ip: string): void {
    this.pending.set(`${table}:${id}`, { table, id, at: new Date(), ip });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const byTable = new Map<Table, typeof batch>();
    for (const u of batch) byTable.set(u.table, [...(byTable.get(u.table) ?? []), u]);
    for (const [table, rows] of byTable) {
      const values = sql.join(
        rows.map((r) => sql`(${r.id}::bigint, ${r.at.toISOString()}::timestamptz, ${r.ip})`),
        sql`, `,
      );
      try {
        await this.db.execute(sql`
          update ${sql.identifier(table)} t set last_used_at = v.at, last_used_ip = v.ip
          from (values ${values}) as v(id, at, ip) where t.id = v.id`);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
