import type { Database } from '../db/client.js';

/**
 * Tells every server instance that cached auth state is stale. Locally the handlers run at once; across
 * instances the event travels by PostgreSQL NOTIFY (well under a second), so a revocation or a disabled user takes
 * effect everywhere. Caches also expire on their own, so a lost notification heals itself.
 */
export type Invalidation =
  | { t: 'user'; id: number } // user changed: password, PIN, groups, warehouses, flags, disabled
  | { t: 'account'; id: number } // a group's permissions changed: drop the whole account's user states
  | { t: 'credential'; hash: string } // a personal token, session or OAuth token (by its stored hash) revoked
  | { t: 'apikey'; key: string } // an API key's secret regenerated or revoked
  | { t: 'client'; id: string }; // an OAuth client disabled, deleted or changed

const CHANNEL = 'qm_invalidate';

export class InvalidationBus {
  private readonly handlers: ((e: Invalidation) => void)[] = [];
  private readonly instance = Math.random().toString(36).slice(2);
  private stop: (() => Promise<void>) | null = null;

  constructor(private readonly database: Database) {}

  /** Starts listening for other instances' events (PostgreSQL only: PGlite is one process). */
  async start(): Promise<void> {
    if (this.database.kind !== 'postgres') return;
    this.stop = await this.database.listen(CHANNEL, (payload) => {
      try {
        const { from, e } = JSON.parse(payload) as { from: string; e: Invalidation };
        if (from !== this.instance) this.dispatch(e);
      } catch {
        /* not ours */
      }
    });
  }

  on(handler: (e: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  async publish(e: Invalidation): Promise<void> {
    this.dispatch(e);
    if (this.database.kind === 'postgres') {
      await this.database.notify(CHANNEL, JSON.stringify({ from: this.instance, e }));
    }
  }

  private dispatch(e: Invalidation): void {
    for (const h of this.handlers) h(e);
  }

  async close(): Promise<void> {
    await this.stop?.();
  }
}
