import type { FastifyRequest } from 'fastify';

/**
 * One cookie of the request. The cookie plugin parses no header on its own (`hook: false` in src/app.ts): most
 * requests carry a token, not a cookie, so the header is parsed here, on the first read, once per request.
 */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  if (!request.cookies) {
    const header = request.headers.cookie;
    if (!header) return undefined;
    request.cookies = request.server.parseCookie(header);
  }
  return request.cookies[name];
}
