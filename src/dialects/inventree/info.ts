import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/**
 * The API version InvenTree clients see. inventree-python refuses servers below 206, and above it the number
 * only switches the client to features this dialect does not serve: 207 the generic attachment API, 267 sales
 * order shipments, 429 generic parameters, 436 the new metadata URLs. 206 is the oldest contract the client
 * accepts, and the one whose part, category, location and stock endpoints this dialect implements, so the client
 * refuses the rest on its own (NotImplementedError) instead of calling URLs that would 404.
 */
export const INVENTREE_API_VERSION = 206;

const version = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

const InfoSchema = Type.Object({
  server: Type.Literal('InvenTree'),
  version: Type.String({ description: "Quartermaster's version." }),
  instance: Type.String(),
  apiVersion: Type.Integer({ description: 'The InvenTree API version this dialect follows.' }),
  worker_running: Type.Boolean(),
  plugins_enabled: Type.Boolean(),
  active_plugins: Type.Array(Type.Unknown()),
  email_configured: Type.Boolean(),
  debug_mode: Type.Boolean(),
  docker_mode: Type.Boolean(),
  default_locale: Type.String(),
});

export const inventreeInfoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/',
    config: { access: 'public' },
    schema: { tags: ['InvenTree'], summary: 'InvenTree: server information (the first call of its clients)', response: { 200: InfoSchema } },
    handler: async () => ({
      server: 'InvenTree' as const,
      version,
      instance: 'Quartermaster',
      apiVersion: INVENTREE_API_VERSION,
      worker_running: true,
      plugins_enabled: false,
      active_plugins: [],
      email_configured: false,
      debug_mode: app.qm.config.debug,
      docker_mode: false,
      default_locale: 'en',
    }),
  });
};
