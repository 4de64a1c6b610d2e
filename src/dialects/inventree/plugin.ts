import type { FastifyPluginAsync } from 'fastify';
import { registerInventreeErrors } from './errors.js';
import { inventreeInfoRoutes } from './info.js';
import { inventreeLocationRoutes } from './locations.js';
import { inventreePartRoutes } from './parts.js';
import { inventreeStockRoutes } from './stock.js';
import { exactJsonContentType } from '../../http/content-type.js';

/**
 * The InvenTree dialect (seed 000): InvenTree's paths, field names, paging and DRF errors over the same services
 * and route declarations as the native API. Encapsulated: its error handler and content type apply to its routes
 * only. inventree-python compares `Content-Type` to exactly `application/json`, so that is what these routes answer.
 */
export const inventreeDialect: FastifyPluginAsync = async (app) => {
  registerInventreeErrors(app);
  app.addHook('onSend', exactJsonContentType);
  await app.register(inventreeInfoRoutes);
  await app.register(inventreePartRoutes);
  await app.register(inventreeLocationRoutes);
  await app.register(inventreeStockRoutes);
};
