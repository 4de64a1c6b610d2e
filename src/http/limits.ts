import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { ERROR_KEYS, errorBody, type ErrorKey } from './errors.js';

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
    clientErrorHandler,
  } satisfies Partial<FastifyServerOptions> & Record<string, unknown>;
}

/** A complete response written straight to the socket: used where Node, not a route, ends the request. */
function rawResponse(status: number, body: string): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function apiError(key: ErrorKey, description: string): string {
  return rawResponse(ERROR_KEYS[key][0], JSON.stringify(errorBody(key, description)));
}

/**
 * Errors Node raises on a connection before or while a request is read (a deadline passed, headers too large,
 * bytes that are not HTTP): answered with a complete response, then the connection is closed.
 */
function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let response: string;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    response = apiError('request.timeout', `The request was not received within ${this.server.requestTimeout / 1000} s; the connection is closed.`);
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    response = rawResponse(431, '{"error":"Request Header Fields Too Large","message":"Exceeded maximum allowed HTTP header size","statusCode":431}');
  } else {
    response = rawResponse(400, '{"error":"Bad Request","message":"Client Error","statusCode":400}');
  }
  this.log.debug({ code: err.code }, 'client error');
  if (socket.writable) socket.write(response);
  socket.destroy();
}
