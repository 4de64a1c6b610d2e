import type { Database } from '../db/client.js';
import { INVALIDATION } from '../defaults.js';
import type { CacheTrust } from './cache.js';

/**
 * Tells every server instance that cached auth state is stale. Locally the handlers run at once; across
 * instances the event travels by PostgreSQL NOTIFY (well under a second), so a revocation or a disabled user takes
 * effect everywhere.
 */
export type Invalidation =
  | { t: 'user'; id: number } // user changed: password, PIN, groups, warehouses, flags, disabled
  | { t: 'account'; id: number } // a group's permissions changed: drop the whole account's user states
  | { t: 'credential'; hash: string } // a personal token, session or OAuth token (by its stored hash) revoked
  | { t: 'apikey'; key: string } // an API key's secret regenerated or revoked
  | { t: 'client'; id: string } // an OAuth client disabled, deleted or changed
  | { t: 'all' }; // local only: events may have been lost (the listening connection dropped); forget everything

const CHANNEL = 'qm_invalidate';

/**
 * The bus also vouches for the credential caches (CacheTrust). On PGlite (one process) every event is local, so the
 * caches are always believed. On PostgreSQL they are believed only for a lease after the listening connection last
 * proved it had delivered every notification (its heartbeat, see ResilientListener): when the connection drops or
 * goes silent, credentials are re-read on every use until it is back, and on reconnection every cache is cleared,
 * since the events sent meanwhile are lost. So a revocation reaches every instance within the SPEC's second even
 * through a dropped connection.
 */
export class InvalidationBus implements CacheTrust {
  trustedUntil = Number.POSITIVE_INFINITY;
  private readonly handlers: ((e: Invalidation) => void)[] = [];
  private readonly caches: { clear(): void }[] = [];
  private readonly instance = Math.random().toString(36).slice(2);
  private stop: (() => Promise<void>) | null = null;

  constructor(
    private readonly database: Database,
    private readonly leaseMs: number = INVALIDATION.leaseMs,
  ) {}

  /** Starts listening for other instances' events (PostgreSQL only: PGlite is one process). */
  async start(): Promise<void> {
    if (this.database.kind !== 'postgres') return;
    this.trustedUntil = 0;
    this.stop = await this.database.listen(CHANNEL, {
      onPayload: (payload) => {
        try {
          const { from, e } = JSON.parse(payload) as { from: string; e: Invalidation };
          if (from !== this.instance && e.t !== 'all') this.dispatch(e);
        } catch {
          /* not ours */
        }
      },
      onLive: (since, reconnected) => {
        if (reconnected) this.forgetEverything();
        this.trustedUntil = Math.max(this.trustedUntil, since + this.leaseMs);
      },
      onLost: () => {
        this.trustedUntil = 0;
        this.forgetEverything();
      },
    });
  }

  register(cache: { clear(): void }): void {
    this.caches.push(cache);
  }

  on(handler: (e: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  async publish(e: Invalidation): Promise<void> {
    this.dispatch(e);
    if (this.database.kind === 'postgres' && e.t !== 'all') {
      await this.database.notify(CHANNEL, JSON.stringify({ from: this.instance, e }));
    }
  }

  private forgetEverything(): void {
    for (const c of this.caches) c.clear();
    this.dispatch({ t: 'all' });
  }

  private dispatch(e: Invalidation): void {
    for (const h of this.handlers) h(e);
  }

  async close(): Promise<void> {
    await this.stop?.();
  }
}
