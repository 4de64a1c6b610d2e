import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DecimalInput, PositiveUnits } from '../inventory/decimal.js';
import { listOf, listQuery } from '../../http/list/engine.js';
import { dateRangeQuery } from '../../http/list/filters.js';
import { LedgerSchema } from '../inventory/routes.js';
import { cancelOrder, confirmOrder, createOrder, getOrder, listOrders, shipOrder, updateOrder } from './service.js';

const NullableStr = Type.Union([Type.String(), Type.Null()]);
const Status = Type.Union(['draft', 'confirmed', 'shipped', 'cancelled'].map((s) => Type.Literal(s)));
const Summary = {
  orderID: Type.Integer(),
  customerID: Type.Union([Type.Integer(), Type.Null()]),
  wID: Type.Integer({ description: 'The warehouse the order ships from.' }),
  status: Type.String({ description: 'draft, confirmed, shipped or cancelled' }),
  reference: NullableStr,
  remark: NullableStr,
  created: Type.String(),
  updated: Type.String(),
};
const OrderSummary = Type.Object(Summary);
const OrderSchema = Type.Object({
  ...Summary,
  lines: Type.Array(Type.Object({ lineID: Type.Integer(), partNo: Type.Integer(), units: Type.String(), price: NullableStr, reserved: Type.String() })),
  history: Type.Array(Type.Object({ from: NullableStr, to: Type.String(), userID: Type.Union([Type.Integer(), Type.Null()]), at: Type.String() })),
});
/** One line of an order: an item, its units and (optionally) its price. */
export const OrderLine = Type.Object(
  { partNo: Type.Integer({ minimum: 1 }), units: PositiveUnits, price: Type.Optional(Type.Union([DecimalInput, Type.Null()])) },
  { additionalProperties: false },
);
const Fields = {
  customerID: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  wID: Type.Integer({ minimum: 1 }),
  reference: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  remark: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
  lines: Type.Array(OrderLine, { maxItems: 1000 }),
};
const { wID, lines, ...optional } = Fields;
export const OrderCreate = Type.Composite([Type.Object({ wID, lines }), Type.Partial(Type.Object(optional))], { additionalProperties: false });
/** A change to a draft order; also what the service checks of a new one. */
export const OrderPatch = Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 });
const Id = Type.Object({ orderID: Type.Integer({ minimum: 1 }) });
const Transition = Type.Object({ order: OrderSchema, transactions: Type.Array(LedgerSchema) });
/** The orders list's query: the engine's paging, sort and cursor, and the filters. */
export const OrderQuery = Type.Object(
  {
    ...listQuery,
    ...dateRangeQuery,
    status: Type.Optional(Status),
    customerID: Type.Optional(Type.Integer({ minimum: 1 })),
    wID: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
const tags = ['SalesOrder'];

export const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/SalesOrder',
    config: { access: { ruleset: 'order', action: 'view' } },
    schema: {
      tags,
      summary: 'List sales orders (of the warehouses you may use)',
      querystring: OrderQuery,
      response: { 200: listOf(OrderSummary) },
    },
    handler: (req) => listOrders(req.ctx!, req.query),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/SalesOrder/:orderID',
    config: { access: { ruleset: 'order', action: 'view' } },
    schema: { tags, summary: 'Get a sales order with its lines and status history', params: Id, response: { 200: OrderSchema } },
    handler: (req) => getOrder(req.ctx!, req.params.orderID),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/SalesOrder',
    config: { access: { ruleset: 'order', action: 'add' } },
    schema: { tags, summary: 'Create a draft sales order', body: OrderCreate, response: { 201: OrderSchema } },
    handler: async (req, reply) => reply.code(201).send(await createOrder(req.ctx!, req.body)),
  });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/SalesOrder/:orderID',
      config: { access: { ruleset: 'order', action: 'change' } },
      schema: { tags, summary: 'Change a draft order (lines, when given, replace all lines)', params: Id, body: OrderPatch, response: { 200: OrderSchema } },
      handler: (req) => updateOrder(req.ctx!, req.params.orderID, req.body),
    });
  }
  const transitions = [
    ['Confirm', confirmOrder, 'Confirm: reserve stock for every line (all or nothing)'],
    ['Ship', shipOrder, 'Ship: issue the reserved stock'],
    ['Cancel', cancelOrder, 'Cancel: release any reservations'],
  ] as const;
  for (const [name, fn, summary] of transitions) {
    app.route({
      method: 'POST',
      url: `/api/v1/SalesOrder/:orderID/${name}`,
      config: { access: { ruleset: 'order', action: 'change' } },
      schema: { tags, summary, params: Id, response: { 200: Transition } },
      handler: (req) => fn(req.ctx!, req.params.orderID),
    });
  }
};
