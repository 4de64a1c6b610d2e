import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The console's build output (web/dist), the same relative place from src/http and dist/http. */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Paths that belong to the API, OAuth and docs: never answered with the console's HTML, so an unknown API path
 * keeps its JSON 404. Compared lower-case, since routes are case-insensitive.
 */
const NOT_CONSOLE = ['/api/', '/api-doc', '/o/', '/.well-known/'];

export function isConsolePath(path: string): boolean {
  const p = path.toLowerCase();
  if (p === '/api' || p === '/o') return false;
  return !NOT_CONSOLE.some((prefix) => p.startsWith(prefix));
}

/**
 * The console page's policy: scripts and styles from this origin only (Mantine sets CSS variables in style
 * attributes and one style element, hence 'unsafe-inline' for styles, never for scripts), data only from the API
 * on this origin, and no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function consoleHeaders(reply: FastifyReply) {
  reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
}

/**
 * The web console: its hashed assets under /assets/ and its HTML for `/` and every client-side route (history
 * fallback), for GET and HEAD on non-API paths. Without a build (web/dist missing) these paths answer the JSON 404.
 */
/** The console's HTML page with its security headers (404 when the console is not built). */
export function sendConsolePage(reply: FastifyReply, root = CONSOLE_ROOT) {
  if (!existsSync(`${root}index.html`)) return reply.callNotFound();
  consoleHeaders(reply);
  reply.header('cache-control', 'no-cache');
  return reply.sendFile('index.html', root, { cacheControl: false });
}

export async function registerConsole(app: FastifyInstance, root = CONSOLE_ROOT) {
  const built = existsSync(`${root}index.html`);
  if (!built) app.log.warn({ root }, 'the console is not built (npm run build:web); / answers 404');
  // serve: false — the routes are ours, declared like every other route.
  await app.register(fastifyStatic, { root, serve: false });

  app.route({
    method: 'GET',
    url: '/assets/*',
    config: { access: 'public' },
    schema: { hide: true },
    handler: async (req, reply) => {
      if (!built) return reply.callNotFound();
      const file = (req.params as { '*': string })['*'];
      reply.header('x-content-type-options', 'nosniff');
      return reply.sendFile(`assets/${file}`, { maxAge: 365 * 86_400_000, immutable: true });
    },
  });

  app.route({
    method: 'GET',
    url: '/*',
    config: { access: 'public' },
    schema: { hide: true },
    handler: async (req, reply) => {
      const path = req.url.split('?')[0]!;
      if (!built || !isConsolePath(path) || path.toLowerCase().startsWith('/assets/')) return reply.callNotFound();
      consoleHeaders(reply);
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', { cacheControl: false });
    },
  });
}
