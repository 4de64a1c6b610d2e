import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ERROR_KEYS, WWW_AUTHENTICATE, type ErrorKey } from '../../http/errors.js';
import { MAX_PAGE_SIZE } from '../../http/list/engine.js';
import { getItem, listItems } from '../../modules/item/service.js';

/**
 * Inventorum's product API (seeds 002/003): `GET /api/products/?page=1` and `GET /api/products/<id>/` with a Bearer
 * token and `Accept: application/json`. The routes declare `item` view like `/api/v1/Item`, so the scope is
 * `products:read` (legacy `products`, `shop.products.publishing`, `images`, `tax_types` include it).
 * Errors are exactly seed 002's body, `{"error":{"fields":{},"description":"…","key":"…"}}`; anything more (the scope a
 * route needs) goes in a sibling member `detail`, never in the description.
 */
const tags = ['Inventorum'];

const Product = Type.Object({
  id: Type.Integer({ description: 'Our partNo.' }),
  name: Type.String({ description: 'The description, or the SKU when there is none.' }),
  description: Type.String(),
  product_code: Type.String({ description: 'SKU (our shortID).' }),
  unit: Type.String(),
  category: Type.Union([Type.Integer(), Type.Null()]),
  is_active: Type.Boolean(),
  gross_price: Type.Union([Type.String(), Type.Null()]),
  purchase_price: Type.Union([Type.String(), Type.Null()]),
  reorder_level: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
});
const ProductPage = Type.Object({
  count: Type.Integer(),
  next: Type.Union([Type.String(), Type.Null()]),
  previous: Type.Union([Type.String(), Type.Null()]),
  results: Type.Array(Product),
});
const ErrorBody = Type.Object({
  error: Type.Object(
    { fields: Type.Record(Type.String(), Type.Array(Type.String())), description: Type.String(), key: Type.String() },
    { additionalProperties: false },
  ),
  detail: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const errors = Object.fromEntries([400, 401, 403, 404, 429, '4XX'].map((s) => [s, ErrorBody]));

type ItemView = Awaited<ReturnType<typeof getItem>>;
const productView = (i: ItemView) => ({
  id: i.partNo,
  name: i.description || i.shortID,
  description: i.description,
  product_code: i.shortID,
  unit: i.unit,
  category: i.categoryID,
  is_active: i.active,
  gross_price: i.price,
  purchase_price: i.cost,
  reorder_level: i.reorderPoint,
  created_at: i.created,
  updated_at: i.updated,
});

function positiveInt(raw: string | undefined, field: string, max: number, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) throw ApiError.validation({ [field]: [`must be a whole number from 1 to ${max}`] });
  return n;
}

function sendError(reply: FastifyReply, err: ApiError) {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  if (err.statusCode === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', WWW_AUTHENTICATE);
  const body: { error: { fields: Record<string, string[]>; description: string; key: string }; detail?: Record<string, string> } = {
    error: { fields: err.fields, description: err.message, key: err.key },
  };
  if (Object.keys(err.detail).length) body.detail = err.detail;
  return reply.code(err.statusCode).type('application/json; charset=utf-8').send(body);
}

function asApiError(err: FastifyError | ApiError, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  const status = err.statusCode ?? 500;
  if (err.validation || err instanceof SyntaxError || (status >= 400 && status < 500)) {
    const key: ErrorKey = status === 404 ? 'not_found' : status === 413 ? 'payload.too_large' : status === 415 ? 'media_type.unsupported' : 'validation.failed';
    return new ApiError(key, err.validation ? ERROR_KEYS['validation.failed'][1] : err.message);
  }
  request.log.error({ err }, 'unhandled error');
  return new ApiError('internal');
}

export const inventorumRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => sendError(reply, asApiError(err, request)));
  const view = { access: { ruleset: 'item', action: 'view' } } as const;

  app.route({
    method: 'GET',
    url: '/api/products/',
    config: view,
    schema: {
      tags,
      summary: 'Products (Inventorum), a page at a time',
      description: '`page` (from 1), `page_size` (default 50, at most 500), `search` (text in SKU or description). Other query parameters are ignored.',
      querystring: Type.Object(
        { page: Type.Optional(Type.String()), page_size: Type.Optional(Type.String()), search: Type.Optional(Type.String({ maxLength: 200 })) },
        { additionalProperties: true },
      ),
      response: { 200: ProductPage, ...errors },
    },
    handler: async (req) => {
      const page = positiveInt(req.query.page, 'page', 1_000_000, 1);
      const pageSize = positiveInt(req.query.page_size, 'page_size', MAX_PAGE_SIZE, 50);
      if (req.query.search?.includes('\u0000')) throw ApiError.validation({ search: ['must not contain NUL characters'] });
      const search = req.query.search || undefined;
      const list = await listItems(req.ctx!, { page, pageSize, q: search });
      const link = (p: number) => {
        const qs = new URLSearchParams({ page: String(p) });
        if (req.query.page_size) qs.set('page_size', String(pageSize));
        if (search) qs.set('search', search);
        return `${req.protocol}://${req.host}/api/products/?${qs.toString()}`;
      };
      return {
        count: list.totalCount,
        next: list.hasMore ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results: list.value.map(productView),
      };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/products/:id/',
    config: view,
    schema: { tags, summary: 'One product (Inventorum)', params: Type.Object({ id: Type.String({ maxLength: 20 }) }), response: { 200: Product, ...errors } },
    handler: async (req) => {
      const id = /^\d{1,10}$/.test(req.params.id) ? Number(req.params.id) : NaN;
      if (!(id >= 1 && id <= 2_147_483_647)) throw ApiError.notFound(`Product ${req.params.id.slice(0, 20)} not found.`);
      return productView(await getItem(req.ctx!, id));
    },
  });
};
