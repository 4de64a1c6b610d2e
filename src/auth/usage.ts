import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { BACKGROUND } from '../defaults.js';

type Table = 'personal_tokens' | 'api_keys' | 'sessions';

interface Use {
  at: number;
  ip: string;
}

const TABLES: readonly Table[] = ['personal_tokens', 'api_keys', 'sessions'];
const noUses = () => new Map<Table, Map<number, Use>>(TABLES.map((t) => [t, new Map<number, Use>()]));

/**
 * Records when and from where a credential was last used, off the hot path: requests only note it in memory (one
 * entry per credential, updated in place: a request allocates nothing), and a timer writes one UPDATE per table every
 * few seconds.
 */
export class UsageRecorder {
  private pending = noUses();
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
    const uses = this.pending.get(table)!;
    const use = uses.get(id);
    if (use) {
      use.at = Date.now();
      use.ip = ip;
    } else {
      uses.set(id, { at: Date.now(), ip });
    }
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    if (![...batch.values()].some((uses) => uses.size)) return;
    this.pending = noUses();
    for (const [table, uses] of batch) {
      if (!uses.size) continue;
      const values = sql.join(
        [...uses].map(([id, u]) => sql`(${id}::bigint, ${new Date(u.at).toISOString()}::timestamptz, ${u.ip})`),
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
