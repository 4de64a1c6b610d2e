import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DecimalInput, PositiveUnits } from './decimal.js';
import { listOf, listQuery } from '../../http/list/engine.js';
import { dateRangeQuery } from '../../http/list/filters.js';
import { adjustStock, getLot, issueStock, listLots, listStockLevels, listTransactions, moveStock, receiveStock, setHold } from './service.js';

const Str = Type.String();
const NullableStr = Type.Union([Type.String(), Type.Null()]);
export const LotSchema = Type.Object({
  recNo: Type.Integer({ description: 'The lot id.' }),
  partNo: Type.Integer(),
  wID: Type.Integer(),
  spot: Str,
  serial: NullableStr,
  units: Type.String({ description: 'On hand, exact decimal.' }),
  reserved: Str,
  available: Str,
  onHold: Type.Boolean(),
  remark: NullableStr,
  received: Str,
  updated: Str,
});
export const LedgerSchema = Type.Object({
  transactionID: Type.Integer(),
  recNo: Type.Integer(),
  partNo: Type.Integer(),
  wID: Type.Integer(),
  spot: Str,
  kind: Type.String({ description: 'receive, move_out, move_in, issue, adjust, reserve, release, hold, unhold' }),
  units: Type.String({ description: 'Change of the on-hand quantity.' }),
  reserved: Type.String({ description: 'Change of the reserved quantity.' }),
  reference: Str,
  orderID: Type.Union([Type.Integer(), Type.Null()]),
  reason: NullableStr,
  remark: NullableStr,
  userID: Type.Union([Type.Integer(), Type.Null()]),
  credential: NullableStr,
  created: Str,
});
const LevelSchema = Type.Object({ partNo: Type.Integer(), wID: Type.Integer(), shortID: Str, description: Str, onHand: Str, reserved: Str, available: Str });
export const Outcome = Type.Object({ reference: Str, lots: Type.Array(LotSchema), transactions: Type.Array(LedgerSchema) });

const Id = Type.Integer({ minimum: 1 });
const Spot = Type.String({ maxLength: 64 });
const Remark = Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]);
const lotFilters = {
  ...listQuery,
  partNo: Type.Optional(Id),
  spot: Type.Optional(Spot),
  serial: Type.Optional(Type.String()),
  onHold: Type.Optional(Type.Boolean()),
  empty: Type.Optional(Type.Boolean({ description: 'true: only emptied lots; false: only lots with stock.' })),
};
/** The lots list's query (across warehouses; the per-warehouse list takes the warehouse from its path). */
export const LotQuery = Type.Object({ ...lotFilters, wID: Type.Optional(Id) }, { additionalProperties: false });
/** The stock ledger's query. */
export const LedgerQuery = Type.Object(
  {
    ...listQuery,
    ...dateRangeQuery,
    wID: Type.Optional(Id),
    partNo: Type.Optional(Id),
    recNo: Type.Optional(Id),
    orderID: Type.Optional(Id),
    kind: Type.Optional(Type.Union(['receive', 'move_out', 'move_in', 'issue', 'adjust', 'reserve', 'release', 'hold', 'unhold'].map((k) => Type.Literal(k)))),
    reference: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const levels = { ...listQuery, partNo: Type.Optional(Id) };
/** The stock levels list's query (the per-warehouse list takes the warehouse from its path). */
export const StockLevelQuery = Type.Object({ ...levels, wID: Type.Optional(Id) }, { additionalProperties: false });
/** Receive: a new lot of an item in a warehouse (bin `spot`). */
export const ReceiveBody = Type.Object(
  {
    partNo: Id,
    wID: Id,
    spot: Type.Optional(Spot),
    units: PositiveUnits,
    serial: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    remark: Type.Optional(Remark),
  },
  { additionalProperties: false },
);
/** Move: a lot (`recNo`), or `units` of an item from a warehouse (`partNo` + `fromWID`), to `toWID`. */
export const MoveBody = Type.Object(
  {
    recNo: Type.Optional(Id),
    partNo: Type.Optional(Id),
    fromWID: Type.Optional(Id),
    fromSpot: Type.Optional(Spot),
    toWID: Id,
    toSpot: Type.Optional(Spot),
    units: Type.Optional(PositiveUnits),
    remark: Type.Optional(Remark),
  },
  { additionalProperties: false },
);
/** Issue: from a lot (`recNo`), or oldest lots first of an item in a warehouse (`partNo` + `wID`). */
export const IssueBody = Type.Object(
  {
    recNo: Type.Optional(Id),
    partNo: Type.Optional(Id),
    wID: Type.Optional(Id),
    spot: Type.Optional(Spot),
    units: PositiveUnits,
    remark: Type.Optional(Remark),
  },
  { additionalProperties: false },
);
/** Adjust: `units` is the counted quantity (the lot becomes this), or `delta` a signed correction. */
export const AdjustBody = Type.Object(
  {
    recNo: Id,
    units: Type.Optional(DecimalInput),
    delta: Type.Optional(DecimalInput),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    remark: Type.Optional(Remark),
  },
  { additionalProperties: false },
);
const tags = ['Inventory'];
const view = { access: { ruleset: 'stock', action: 'view' } } as const;
const write = { access: { ruleset: 'stock', action: 'change' } } as const;

export const inventoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/Inventory',
    config: view,
    schema: {
      tags,
      summary: 'List lots in the warehouses you may use',
      querystring: LotQuery,
      response: { 200: listOf(LotSchema) },
    },
    handler: (req) => listLots(req.ctx!, req.query),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Inventory/:wid',
    config: view,
    schema: {
      tags,
      summary: 'List the lots of one warehouse',
      params: Type.Object({ wid: Id }),
      querystring: Type.Object(lotFilters, { additionalProperties: false }),
      response: { 200: listOf(LotSchema) },
    },
    handler: (req) => listLots(req.ctx!, { ...req.query, wID: req.params.wid }, true),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Inventory/Lot/:recNo',
    config: view,
    schema: { tags, summary: 'Get a lot', params: Type.Object({ recNo: Id }), response: { 200: LotSchema } },
    handler: (req) => getLot(req.ctx!, req.params.recNo),
  });
  app.route({
    method: 'PATCH',
    url: '/api/v1/Inventory/Lot/:recNo',
    config: write,
    schema: {
      tags,
      summary: 'Put a lot on hold or release it (a held lot cannot be issued or reserved)',
      params: Type.Object({ recNo: Id }),
      body: Type.Object({ onHold: Type.Boolean(), remark: Type.Optional(Remark) }, { additionalProperties: false }),
      response: { 200: LotSchema },
    },
    handler: (req) => setHold(req.ctx!, req.params.recNo, req.body.onHold, req.body.remark ?? null),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Inventory/StockLevels',
    config: view,
    schema: {
      tags,
      summary: 'On hand, reserved and available per item and warehouse',
      querystring: StockLevelQuery,
      response: { 200: listOf(LevelSchema) },
    },
    handler: (req) => listStockLevels(req.ctx!, req.query),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Inventory/StockLevels/:wid',
    config: view,
    schema: {
      tags,
      summary: 'Stock levels in one warehouse',
      params: Type.Object({ wid: Id }),
      querystring: Type.Object(levels, { additionalProperties: false }),
      response: { 200: listOf(LevelSchema) },
    },
    handler: (req) => listStockLevels(req.ctx!, { ...req.query, wID: req.params.wid }, true),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Inventory/Transactions',
    config: view,
    schema: {
      tags,
      summary: 'The stock ledger',
      querystring: LedgerQuery,
      response: { 200: listOf(LedgerSchema) },
    },
    handler: (req) => listTransactions(req.ctx!, req.query),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/Inventory/Receive',
    config: { access: { ruleset: 'stock', action: 'add' } },
    schema: {
      tags,
      summary: 'Receive stock into a warehouse bin (creates a lot)',
      body: ReceiveBody,
      response: { 201: Outcome },
    },
    handler: async (req, reply) => reply.code(201).send(await receiveStock(req.ctx!, req.body)),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/Inventory/Move',
    config: write,
    schema: {
      tags,
      summary: 'Move a lot (recNo + toWID), or units of an item (partNo + fromWID + units), to another warehouse or bin',
      description: 'Needs both ends: the source and the destination warehouse must both be yours.',
      body: MoveBody,
      response: { 201: Outcome },
    },
    handler: async (req, reply) => reply.code(201).send(await moveStock(req.ctx!, req.body)),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/Inventory/Issue',
    config: write,
    schema: {
      tags,
      summary: 'Issue stock out: from a lot (recNo) or oldest-first from an item in a warehouse (partNo + wID)',
      body: IssueBody,
      response: { 201: Outcome },
    },
    handler: async (req, reply) => reply.code(201).send(await issueStock(req.ctx!, req.body)),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/Inventory/Adjust',
    config: write,
    schema: {
      tags,
      summary: "Correct a lot's quantity after a count: `units` is the counted quantity (or `delta` a signed change); `reason` is required",
      body: AdjustBody,
      response: { 201: Outcome },
    },
    handler: async (req, reply) => reply.code(201).send(await adjustStock(req.ctx!, req.body)),
  });
};
