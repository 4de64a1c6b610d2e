import { parseCookie, stringifySetCookie, type SetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's cookies, parsed on the first read (cookieOf). */
    cookies?: Record<string, string | undefined>;
  }
}

/**
 * One cookie of the request. Most requests carry a token, not a cookie, so the header is parsed here, on the first
 * read, once per request, by the `cookie` library; no hook parses it for every request.
 */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  if (!request.cookies) {
    const header = request.headers.cookie;
    if (!header) return undefined;
    request.cookies = parseCookie(header);
  }
  return request.cookies[name];
}

export type CookieOptions = Omit<SetCookie, 'name' | 'value'>;

/**
 * Sets a cookie on the reply (a `Set-Cookie` header; Fastify appends a second one rather than replacing the first).
 * Only the few routes that open or end a session set cookies, so no reply pays for a cookie jar or an onSend hook.
 */
export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  reply.header('set-cookie', stringifySetCookie({ name, value, ...options }));
}

/** Tells the browser to drop the cookie: empty, expired, with the path (and domain) it was set with. */
export function clearCookie(reply: FastifyReply, name: string, options: CookieOptions): void {
  setCookie(reply, name, '', { ...options, expires: new Date(0), maxAge: 0 });
}
