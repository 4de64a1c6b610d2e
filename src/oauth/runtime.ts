import type { FastifyInstance, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { lt } from 'drizzle-orm';
import { oauthPayloads } from '../db/schema/index.js';
import type { Services } from '../services.js';
import { OAuthBearer } from './bearer.js';
import { ClientStore } from './clients.js';
import { createProvider } from './provider.js';
import { BACKGROUND } from '../defaults.js';

/** Bus message (on the `client` channel, never a real client_id) telling instances the signing keys changed. */
export const SIGNING_KEYS_CHANGED = '#signing-keys';

/**
 * One instance's OAuth state: the client cache, the bearer resolver and the oidc-provider instance. The provider
 * is built on first use, because its issuer is QM_PUBLIC_URL or, when unset, the address the server listens on.
 */
export class OAuthRuntime {
  readonly clients: ClientStore;
  readonly bearer: OAuthBearer;
  private provider: Promise<Provider> | null = null;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly services: Services,
    private readonly app: FastifyInstance,
  ) {
    this.clients = new ClientStore(services.db, services.bus);
    this.bearer = new OAuthBearer(services, this.clients);
    services.authenticator.addBearerResolver(this.bearer.resolve);
    this.sweeper = setInterval(() => void this.sweep().catch(() => {}), BACKGROUND.sweepIntervalMs);
    this.sweeper.unref();
    // A rotated signing key: rebuild the provider (keys are read at construction) on every instance; also when
    // events may have been lost (`all`), since one of them may have been a rotation.
    services.bus.on((e) => {
      if (e.t === 'all' || (e.t === 'client' && e.id === SIGNING_KEYS_CHANGED)) {
        this.provider = null;
        this.handler = null;
      }
    });
  }

  issuerFor(request?: FastifyRequest): string {
    const { config } = this.services;
    if (config.publicUrl) return config.publicUrl;
    const proto = config.tls ? 'https' : 'http';
    const addr = this.app.server.address();
    if (addr && typeof addr === 'object') {
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const shown = host === '0.0.0.0' || host === '[::]' ? (request?.hostname ?? '127.0.0.1') : host;
      return `${proto}://${shown}:${addr.port}`;
    }
    return `${proto}://${request?.host ?? `${config.host}:${config.port}`}`;
  }

  /**
   * Gives oidc-provider (koa) the request as Fastify sees it: client address, scheme and host per QM_TRUST_PROXY,
   * or QM_PUBLIC_URL's scheme and host when set. Client-sent X-Forwarded-* values are overwritten, never trusted.
   */
  adapt(request: FastifyRequest): void {
    const h = request.raw.headers;
    const pub = this.services.config.publicUrl ? new URL(this.services.config.publicUrl) : null;
    h['x-forwarded-proto'] = pub ? pub.protocol.slice(0, -1) : request.protocol;
    h['x-forwarded-host'] = pub ? pub.host : request.host;
    h['x-forwarded-for'] = request.ip;
  }

  private handler: Promise<ReturnType<Provider['callback']>> | null = null;

  /** The provider's node request handler (built once). */
  callback(request?: FastifyRequest): Promise<ReturnType<Provider['callback']>> {
    this.handler ??= this.get(request).then((p) => p.callback());
    return this.handler;
  }

  get(request?: FastifyRequest): Promise<Provider> {
    if (!this.provider) {
      this.provider = createProvider(this.services, this.clients, this.issuerFor(request));
      this.provider.catch(() => {
        this.provider = null;
        this.handler = null;
      });
    }
    return this.provider;
  }

  /** Drops tokens, codes and interactions expired for more than a day (kept that long to answer token.expired). */
  async sweep(): Promise<void> {
    await this.services.db.delete(oauthPayloads).where(lt(oauthPayloads.expiresAt, new Date(Date.now() - BACKGROUND.sweepAfterMs)));
  }

  close(): void {
    clearInterval(this.sweeper);
    this.bearer.close();
  }
}
