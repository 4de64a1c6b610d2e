import type { FastifyServerOptions } from 'fastify';

/**
 * What one HTTP request may cost the server, in one place. Every limit here is documented in the README
 * ("HTTP limits"); the request timeout is configurable (QM_REQUEST_TIMEOUT), the others are fixed.
 */
export const HTTP_LIMITS = {
  /** Request line plus all headers (Node's own default, stated here so it is a decision, not an accident). */
  headerBytes: 16 * 1024,
  /** A request body; more answers 413 payload.too_large. */
  bodyBytes: 1024 * 1024,
  /** From the first byte of a request to the end of its headers. */
  headersTimeoutMs: 60_000,
  /** From the first byte of a request to the last byte of its body (the default of QM_REQUEST_TIMEOUT). */
  requestTimeoutMs: 120_000,
  /** An idle keep-alive connection between requests. */
  keepAliveTimeoutMs: 72_000,
} as const;

/** Fastify server options that apply the limits; `requestTimeoutMs` comes from the configuration. */
export function serverLimits(requestTimeoutMs: number, https: { cert: Buffer; key: Buffer } | null) {
  const nodeServer = {
    maxHeaderSize: HTTP_LIMITS.headerBytes,
    // Node refuses a header deadline later than the request deadline.
    headersTimeout: Math.min(HTTP_LIMITS.headersTimeoutMs, requestTimeoutMs),
    requestTimeout: requestTimeoutMs,
    // How often Node looks for connections past a deadline; the default (30 s) would let a deadline slip by that much.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
  };
  return {
    bodyLimit: HTTP_LIMITS.bodyBytes,
    keepAliveTimeout: HTTP_LIMITS.keepAliveTimeoutMs,
    requestTimeout: requestTimeoutMs,
    http: nodeServer,
    https: https ? { ...nodeServer, cert: https.cert, key: https.key } : null,
  } satisfies Partial<FastifyServerOptions> & Record<string, unknown>;
}
