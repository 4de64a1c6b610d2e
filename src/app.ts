import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './http/errors.js';
import { AJV_OPTIONS, registerInputPolicy } from './http/input.js';
import { decimalKeyword } from './modules/inventory/decimal.js';
import { registerAuthentication } from './auth/authenticate.js';
import { registerGuard } from './access/guard.js';
import { registerOpenApi } from './http/openapi.js';
import { serverLimits } from './http/limits.js';
import { registerBrowsableApi } from './http/browsable.js';
import { registerAuditTrail } from './modules/audit/hook.js';
import { itemRoutes } from './modules/item/routes.js';
import { meRoutes } from './modules/me/routes.js';
import { credentialRoutes } from './modules/credential/routes.js';
import { sessionRoutes } from './modules/session/routes.js';
import { userRoutes } from './modules/user/routes.js';
import { groupRoutes } from './modules/group/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { oauthRoutes } from './oauth/routes.js';
import { categoryRoutes } from './modules/category/routes.js';
import { warehouseRoutes } from './modules/warehouse/routes.js';
import { customerRoutes } from './modules/customer/routes.js';
import { inventoryRoutes } from './modules/inventory/routes.js';
import { orderRoutes } from './modules/order/routes.js';
import { reportRoutes } from './modules/report/routes.js';
import { inventreeDialect } from './dialects/inventree/plugin.js';
import { frappeRoutes } from './dialects/frappe/routes.js';
import { inventorumRoutes } from './dialects/inventorum/routes.js';
import { registerConsole } from './http/console.js';
import { requestLogging } from './http/logging.js';
import type { Services } from './services.js';

declare module 'fastify' {
  interface FastifyInstance {
    qm: Services;
  }
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Benchmark only: skip authentication and act as this user, to measure what authentication costs. */
  benchmarkAsUser?: number;
}

/** Header values that must never reach a log line. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'];

/**
 * Builds the HTTP application. Plugins register in this order, and it matters:
 * errors → input policy (body parsers, URL and schema rules) → authenticate (who) → guard (may they) → audit → modules →
 * dialects → the web console.
 */
export async function buildApp(services: Services, opts: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    ...serverLimits(config.requestTimeoutMs, config.tls),
    trustProxy: config.trustProxy.length ? config.trustProxy : false,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // The input policy (src/http/input.ts): no coercion; path and query values are converted strictly before validation.
    ajv: { customOptions: { ...AJV_OPTIONS }, plugins: [decimalKeyword] },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ...requestLogging(),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  app.decorate('qm', services);
  registerErrorHandling(app);
  registerInputPolicy(app);
  if (config.tls) {
    app.addHook('onSend', async (_req, reply) => {
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    });
  }
  registerAuthentication(app, services.authenticator, services.contexts, services.https, opts.benchmarkAsUser);
  registerGuard(app);
  await registerOpenApi(app, config);
  if (config.debug) registerBrowsableApi(app);
  registerAuditTrail(app, services.audit);

  await app.register(itemRoutes);
  await app.register(meRoutes);
  await app.register(credentialRoutes);
  await app.register(sessionRoutes);
  await app.register(userRoutes);
  await app.register(groupRoutes);
  await app.register(auditRoutes);
  await app.register(oauthRoutes);
  await app.register(categoryRoutes);
  await app.register(warehouseRoutes);
  await app.register(customerRoutes);
  await app.register(inventoryRoutes);
  await app.register(orderRoutes);
  await app.register(reportRoutes);
  // Dialects: other systems' APIs over the same declarations and services, each with its own error shapes.
  await app.register(inventreeDialect);
  await app.register(frappeRoutes);
  await app.register(inventorumRoutes);
  // Last: the console's HTML answers GET on every non-API path no route above claims.
  await registerConsole(app);
  return app;
}
