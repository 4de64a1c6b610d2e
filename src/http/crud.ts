import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Access } from '../access/guard.js';
import type { RequestContext } from '../auth/principal.js';
import { listOf, listQuery } from './list/engine.js';

/**
 * A plain CRUD resource, declared once: `GET /Thing` (a list, by the list engine), `GET /Thing/:id`, `POST /Thing`
 * (201), `PUT`/`PATCH /Thing/:id` and `DELETE /Thing/:id` (204). Each operation names its access declaration, its
 * summary and its service function; the schemas give both the validation and the handlers' types (`Static<>`).
 */
export interface CrudResource<Item extends TSchema, Filters extends TProperties, Id extends TObject, Create extends TSchema, Patch extends TSchema> {
  /** The collection's path, e.g. `/api/v1/Customer`; the object's is `<path>/:<the id parameter>`. */
  path: string;
  tags: string[];
  /** The answer's object. */
  item: Item;
  /** The list's filters, beside the engine's paging, sort and cursor parameters. */
  filters: Filters;
  /** The object's path parameter, one integer property (e.g. `{ customerID }`). */
  id: Id;
  create: Create;
  patch: Patch;
  list: Operation<(ctx: RequestContext, query: Static<TObject<typeof listQuery & Filters>>) => Promise<unknown>>;
  get: Operation<(ctx: RequestContext, id: number) => Promise<Static<Item>>>;
  add: Operation<(ctx: RequestContext, body: Static<Create>) => Promise<Static<Item>>>;
  change: Operation<(ctx: RequestContext, id: number, body: Static<Patch>) => Promise<Static<Item>>>;
  remove: Operation<(ctx: RequestContext, id: number) => Promise<unknown>>;
}

interface Operation<Fn> {
  access: Access;
  summary: string;
  run: Fn;
}

export function crudRoutes<Item extends TSchema, Filters extends TProperties, Id extends TObject, Create extends TSchema, Patch extends TSchema>(
  app: FastifyInstance,
  r: CrudResource<Item, Filters, Id, Create, Patch>,
): void {
  const [idName] = Object.keys(r.id.properties);
  if (!idName || Object.keys(r.id.properties).length !== 1) throw new Error(`${r.path}: the id schema must have exactly one property`);
  const one = `${r.path}/:${idName}`;
  const idOf = (params: unknown) => (params as Record<string, number>)[idName]!;
  const tags = r.tags;
  const routes: RouteOptions[] = [
    {
      method: 'GET',
      url: r.path,
      config: { access: r.list.access },
      schema: {
        tags,
        summary: r.list.summary,
        querystring: Type.Object({ ...listQuery, ...r.filters }, { additionalProperties: false }),
        response: { 200: listOf(r.item) },
      },
      handler: (req) => r.list.run(req.ctx!, req.query as Static<TObject<typeof listQuery & Filters>>),
    },
    {
      method: 'GET',
      url: one,
      config: { access: r.get.access },
      schema: { tags, summary: r.get.summary, params: r.id, response: { 200: r.item } },
      handler: (req) => r.get.run(req.ctx!, idOf(req.params)),
    },
    {
      method: 'POST',
      url: r.path,
      config: { access: r.add.access },
      schema: { tags, summary: r.add.summary, body: r.create, response: { 201: r.item } },
      handler: async (req, reply) => reply.code(201).send(await r.add.run(req.ctx!, req.body)),
    },
    ...(['PUT', 'PATCH'] as const).map((method): RouteOptions => ({
      method,
      url: one,
      config: { access: r.change.access },
      schema: { tags, summary: r.change.summary, params: r.id, body: r.patch, response: { 200: r.item } },
      handler: (req) => r.change.run(req.ctx!, idOf(req.params), req.body),
    })),
    {
      method: 'DELETE',
      url: one,
      config: { access: r.remove.access },
      schema: { tags, summary: r.remove.summary, params: r.id, response: { 204: Type.Null() } },
      handler: async (req, reply) => {
        await r.remove.run(req.ctx!, idOf(req.params));
        return reply.code(204).send(null);
      },
    },
  ];
  for (const route of routes) app.route(route);
}
