import pg from 'pg';
import { INVALIDATION } from '../defaults.js';

export interface ListenHandlers {
  onPayload(payload: string): void;
  /**
   * Every notification committed before `since` (a `Date.now()` reading) has been delivered. `reconnected`: the
   * connection is new, so notifications sent while it was down were lost.
   */
  onLive?(since: number, reconnected: boolean): void;
  /** The connection is gone: notifications are being missed until the next `onLive(…, true)`. */
  onLost?(): void;
}

export type ListenerTiming = Pick<typeof INVALIDATION, 'heartbeatMs' | 'deadAfterMs' | 'reconnectMinMs' | 'reconnectMaxMs'>;

/** The `application_name` of a process's listening connection (administrators and tests find it by this). */
export function listenerApplicationName(pid = process.pid): string {
  return `quartermaster-listen-${pid}`;
}

/**
 * A PostgreSQL connection that LISTENs on one channel and keeps doing so: when the connection ends (server
 * restart, `pg_terminate_backend`, network), it is made again with exponential backoff; while it is up, a heartbeat
 * query proves it alive (a notification committed before the heartbeat reached the server arrives before its
 * answer), and one left unanswered too long gets the connection dropped and made again.
 */
export class ResilientListener {
  private client: pg.Client | null = null;
  private closed = false;
  private failures = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private heartbeatSentAt: number | null = null;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly handlers: ListenHandlers,
    private readonly timing: ListenerTiming = INVALIDATION,
  ) {}

  /** The first connection: fails loudly (a server that cannot listen should not start). */
  start(): Promise<void> {
    return this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.stopHeartbeat();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: listenerApplicationName() });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (msg.channel === this.channel && msg.payload !== undefined) this.handlers.onPayload(msg.payload);
    });
    try {
      await client.connect();
      const since = Date.now();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
      if (this.closed) throw new Error('closed');
      this.client = client;
      this.failures = 0;
      this.handlers.onLive?.(since, true);
      this.startHeartbeat(client);
    } catch (err) {
      void client.end().catch(() => {});
      throw err;
    }
  }

  /** The connection `client` is gone (or judged dead): tell the handlers, and make a new one. */
  private lost(client: pg.Client): void {
    if (client !== this.client || this.closed) return;
    this.client = null;
    this.stopHeartbeat();
    this.handlers.onLost?.();
    void client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const { reconnectMinMs, reconnectMaxMs } = this.timing;
    const delay = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.failures, 16));
    this.failures++;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
    this.reconnect.unref();
  }

  private startHeartbeat(client: pg.Client): void {
    this.heartbeatSentAt = null;
    this.heartbeat = setInterval(() => {
      if (this.heartbeatSentAt !== null) {
        if (Date.now() - this.heartbeatSentAt > this.timing.deadAfterMs) this.lost(client);
        return;
      }
      const sent = Date.now();
      this.heartbeatSentAt = sent;
      client.query('select 1').then(
        () => {
          if (client !== this.client) return;
          this.heartbeatSentAt = null;
          this.handlers.onLive?.(sent, false);
        },
        () => this.lost(client),
      );
    }, this.timing.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.heartbeatSentAt = null;
  }
}
