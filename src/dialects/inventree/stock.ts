import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RequestContext } from '../../auth/principal.js';
import { ApiError } from '../../http/errors.js';
import { toScaled } from '../../modules/inventory/decimal.js';
import { adjustStock, getLot, issueStock, listLots, moveStock, receiveStock, setHold } from '../../modules/inventory/service.js';
import { errorResponses } from './errors.js';
import { asBody, boolParam, decimalField, loose, has, orderingParam, pathPk, pkField, pkParam, strField, textParam, type Body, type Query } from './input.js';
import { BinIndex, resolveLocation } from './locations.js';
import { listResponse, pagingQuery, serviceList } from './paging.js';

/**
 * InvenTree's stock items are our lots. Every change goes through the ledger (the inventory service): creating a
 * stock item receives stock, add/count adjust it, remove and DELETE issue it, transfer moves it. As InvenTree
 * deletes depleted items, an emptied lot is no longer listed or shown here (its ledger history stays).
 */
const tags = ['InvenTree'];
/** InvenTree's stock status codes: OK, and Quarantined for a lot on hold. Any other status than OK puts a lot on hold. */
export const STATUS_OK = 10;
export const STATUS_QUARANTINED = 75;

export const StockItemSchema = Type.Object({
  pk: Type.Integer({ description: 'The lot id (recNo).' }),
  part: Type.Integer(),
  location: Type.Integer({ description: 'A warehouse (odd pk) or bin (even pk): see the stock location mapping.' }),
  quantity: Type.Number(),
  allocated: Type.Number({ description: 'Reserved by sales orders.' }),
  batch: Type.String({ description: "The lot's serial/lot number." }),
  serial: Type.Null(),
  notes: Type.String(),
  status: Type.Integer({ description: '10 OK, 75 Quarantined (on hold).' }),
  status_text: Type.String(),
  in_stock: Type.Boolean(),
  updated: Type.String(),
  stocktake_date: Type.Null(),
});
const StockWrite = Type.Object(
  {
    part: Type.Optional(loose(['integer', 'string'], 'Part pk (required on create).')),
    location: Type.Optional(loose(['integer', 'string', 'null'], 'Location pk (required on create).')),
    quantity: Type.Optional(loose(['number', 'string'], 'Exact decimal, at most 4 places.')),
    batch: Type.Optional(loose(['string', 'null'])),
    notes: Type.Optional(loose(['string', 'null'])),
    status: Type.Optional(loose(['integer', 'string'], '10 OK; anything else puts the lot on hold.')),
  },
  { additionalProperties: true, description: 'Other InvenTree fields are accepted and ignored.' },
);
const AdjustItem = Type.Object({ pk: loose(['integer', 'string']), quantity: loose(['number', 'string']) }, { additionalProperties: true });
const AdjustBody = Type.Object(
  {
    items: Type.Array(AdjustItem, { description: 'The stock items and quantities (at most 100).' }),
    notes: Type.Optional(loose(['string', 'null'])),
    location: Type.Optional(loose(['integer', 'string'], 'transfer: the destination location pk.')),
  },
  { additionalProperties: true },
);
const AdjustAnswer = Type.Object({
  items: Type.Array(Type.Object({ pk: Type.Integer(), quantity: Type.Number() })),
  notes: Type.String(),
  location: Type.Optional(Type.Integer()),
});
const PkParams = Type.Object({ pk: Type.String() });

type Lot = Awaited<ReturnType<typeof getLot>>;

async function stockView(bins: BinIndex, l: Lot) {
  return {
    pk: l.recNo,
    part: l.partNo,
    location: await bins.locationOf(l.wID, l.spot),
    quantity: Number(l.units),
    allocated: Number(l.reserved),
    batch: l.serial ?? '',
    serial: null,
    notes: l.remark ?? '',
    status: l.onHold ? STATUS_QUARANTINED : STATUS_OK,
    status_text: l.onHold ? 'Quarantined' : 'OK',
    in_stock: toScaled(l.units) > 0n,
    updated: l.updated,
    stocktake_date: null,
  };
}

/** A lot that is still a stock item here: emptied lots are gone, as InvenTree deletes depleted items. */
async function liveLot(ctx: RequestContext, pk: number): Promise<Lot> {
  const lot = await getLot(ctx, pk);
  if (toScaled(lot.units) === 0n) throw ApiError.notFound('No StockItem matches the given query.');
  return lot;
}

/** A pk the client names in a body: not found becomes a 400 on that field, as DRF answers for related fields. */
async function named<T>(field: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && err.key === 'not_found') throw ApiError.validation({ [field]: ['Invalid pk - object does not exist.'] });
    throw err;
  }
}

function statusField(body: Body): boolean | undefined {
  if (!has(body, 'status')) return undefined;
  const v = body.status;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw ApiError.validation({ status: ['A valid integer is required.'] });
  return n !== STATUS_OK;
}

interface Adjustment {
  lot: Lot;
  quantity: string | number;
}

/** Reads `{"items":[{"pk","quantity"}…]}` and checks every item (exists, yours, not empty) before anything changes. */
async function adjustments(ctx: RequestContext, body: Body, needPositive: boolean): Promise<Adjustment[]> {
  const items = body.items;
  if (!Array.isArray(items) || items.length === 0) throw ApiError.validation({ items: ['A list of items is required.'] });
  if (items.length > 100) throw ApiError.validation({ items: ['At most 100 items at a time.'] });
  const out: Adjustment[] = [];
  for (const raw of items) {
    const item = asBody(raw);
    const pk = pkField(item, 'pk', { required: true })!;
    const quantity = decimalField(item, 'quantity', { required: true })!;
    if (toScaled(quantity) < 0n || (needPositive && toScaled(quantity) === 0n))
      throw ApiError.validation({ items: [`Quantity must be greater than zero (item ${pk}).`] });
    if (out.some((a) => a.lot.recNo === pk)) throw ApiError.validation({ items: [`Stock item ${pk} is listed twice.`] });
    out.push({ lot: await named('items', liveLot(ctx, pk)), quantity });
  }
  return out;
}

const notes = (body: Body) => strField(body, 'notes', { max: 1000, allowBlank: true }) || undefined;
const answer = (items: Adjustment[], body: Body, location?: number) => ({
  items: items.map((a) => ({ pk: a.lot.recNo, quantity: Number(a.quantity) })),
  notes: notes(body) ?? '',
  ...(location !== undefined ? { location } : {}),
});

export const inventreeStockRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const fields = { partNo: 'part', wID: 'location', toWID: 'location', units: 'quantity', serial: 'batch', remark: 'notes', recNo: 'pk', spot: 'location' };
  const access = (action: 'view' | 'add' | 'change' | 'delete') => ({ access: { ruleset: 'stock', action } as const, inventreeFields: fields });

  app.route({
    method: 'GET',
    url: '/api/stock/',
    config: access('view'),
    schema: {
      tags,
      summary: 'InvenTree: list stock items (lots with stock)',
      description:
        'Filters: `part`, `location` (a warehouse includes its bins unless `cascade=false`, which lists the stock outside any bin), `batch`, `ordering` (pk, updated). `search` is not supported and ignored.',
      querystring: Type.Object(
        {
          ...pagingQuery,
          part: Type.Optional(Type.String()),
          location: Type.Optional(Type.String()),
          cascade: Type.Optional(Type.String()),
          batch: Type.Optional(Type.String()),
          ordering: Type.Optional(Type.String()),
        },
        { additionalProperties: true },
      ),
      response: { 200: listResponse(StockItemSchema), ...errorResponses },
    },
    handler: async (req) => {
      const ctx = req.ctx!;
      const q = req.query as Query;
      const partNo = pkParam(q, 'part');
      const locationPk = pkParam(q, 'location');
      let wID: number | undefined;
      let spot: string | undefined;
      if (locationPk !== undefined) {
        const loc = await resolveLocation(ctx, locationPk);
        wID = loc.wid;
        if (loc.kind === 'bin') spot = loc.spot;
        else if (!boolParam(q, 'cascade', true)) spot = '';
      }
      const serial = textParam(q, 'batch', 100);
      const bins = new BinIndex(ctx);
      const sort = orderingParam(q, { pk: 'recNo', id: 'recNo', updated: 'received' });
      return serviceList(
        req,
        (p) => listLots(ctx, { ...p, wID, spot, partNo, serial, empty: false }),
        async (rows) => {
          const out = [];
          for (const l of rows) out.push(await stockView(bins, l));
          return out;
        },
        sort,
      );
    },
  });

  app.route({
    method: 'GET',
    url: '/api/stock/:pk/',
    config: access('view'),
    schema: { tags, summary: 'InvenTree: one stock item', params: PkParams, response: { 200: StockItemSchema, ...errorResponses } },
    handler: async (req) => stockView(new BinIndex(req.ctx!), await liveLot(req.ctx!, pathPk(req.params.pk, 'StockItem'))),
  });

  app.route({
    method: 'POST',
    url: '/api/stock/',
    config: access('add'),
    schema: {
      tags,
      summary: 'InvenTree: create a stock item (receives stock into the location: a ledger receipt)',
      body: StockWrite,
      response: { 201: StockItemSchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const body = asBody(req.body);
      const part = pkField(body, 'part', { required: true })!;
      const quantity = decimalField(body, 'quantity', { required: true })!;
      const locationPk = pkField(body, 'location', { nullable: true });
      if (locationPk === null || locationPk === undefined)
        throw ApiError.validation({ location: ['A location is required: stock lives in a warehouse or bin.'] });
      const loc = await named('location', resolveLocation(ctx, locationPk));
      const batch = strField(body, 'batch', { max: 100, allowBlank: true });
      const hold = statusField(body);
      const received = await named(
        'part',
        receiveStock(ctx, { partNo: part, wID: loc.wid, spot: loc.spot, units: quantity, serial: batch || null, remark: notes(body) ?? null }),
      );
      let lot: Lot = received.lots[0]!;
      if (hold) lot = await setHold(ctx, lot.recNo, true, notes(body) ?? null);
      return reply.code(201).send(await stockView(new BinIndex(ctx), lot));
    },
  });

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/api/stock/:pk/',
      config: access('change'),
      schema: {
        tags,
        summary: 'InvenTree: update a stock item',
        description:
          'A new `quantity` is recorded as a count (a ledger adjustment); `status` other than 10 (OK) puts the lot on hold, 10 releases it. `part`, `location` and `batch` cannot change here (use transfer for the location). Other fields are ignored.',
        params: PkParams,
        body: StockWrite,
        response: { 200: StockItemSchema, ...errorResponses },
      },
      handler: async (req) => {
        const ctx = req.ctx!;
        const pk = pathPk(req.params.pk, 'StockItem');
        const body = asBody(req.body);
        const lot = await liveLot(ctx, pk);
        const bins = new BinIndex(ctx);
        const before = await stockView(bins, lot);
        const part = pkField(body, 'part');
        if (part !== undefined && part !== before.part) throw ApiError.validation({ part: ['The part of a stock item cannot change.'] });
        const location = pkField(body, 'location', { nullable: true });
        if (location !== undefined && location !== before.location) throw ApiError.validation({ location: ['Move stock with POST /api/stock/transfer/.'] });
        const batch = strField(body, 'batch', { allowBlank: true, max: 100 });
        if (batch !== undefined && batch !== before.batch) throw ApiError.validation({ batch: ['The batch code of a stock item cannot change.'] });
        const quantity = decimalField(body, 'quantity');
        if (quantity !== undefined && quantity !== null && toScaled(quantity) !== toScaled(lot.units)) {
          await adjustStock(ctx, { recNo: pk, units: quantity, reason: notes(body) ?? 'InvenTree stock item edit' });
        }
        const hold = statusField(body);
        if (hold !== undefined && hold !== lot.onHold) await setHold(ctx, pk, hold, notes(body) ?? null);
        return stockView(bins, await getLot(ctx, pk));
      },
    });
  }

  app.route({
    method: 'DELETE',
    url: '/api/stock/:pk/',
    config: access('delete'),
    schema: {
      tags,
      summary: 'InvenTree: delete a stock item (issues what remains of the lot through the ledger)',
      params: PkParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const ctx = req.ctx!;
      const lot = await liveLot(ctx, pathPk(req.params.pk, 'StockItem'));
      await issueStock(ctx, { recNo: lot.recNo, units: lot.units, remark: 'stock item deleted (InvenTree API)' });
      return reply.code(204).send(null);
    },
  });

  const adjust = (
    path: string,
    summary: string,
    needPositive: boolean,
    apply: (ctx: RequestContext, a: Adjustment, body: Body, to?: { wid: number; spot: string }) => Promise<unknown>,
  ) => {
    app.route({
      method: 'POST',
      url: `/api/stock/${path}/`,
      config: access('change'),
      schema: {
        tags,
        summary: `InvenTree: ${summary}`,
        description: 'Every item is checked before any changes; each item is then one ledger transaction.',
        body: AdjustBody,
        response: { 201: AdjustAnswer, ...errorResponses },
      },
      handler: async (req, reply) => {
        const ctx = req.ctx!;
        const body = asBody(req.body);
        let to: { wid: number; spot: string } | undefined;
        let locationPk: number | undefined;
        if (path === 'transfer') {
          locationPk = pkField(body, 'location', { required: true })!;
          to = await named('location', resolveLocation(ctx, locationPk));
        }
        const items = await adjustments(ctx, body, needPositive);
        for (const a of items) await apply(ctx, a, body, to);
        return reply.code(201).send(answer(items, body, locationPk));
      },
    });
  };

  adjust('add', 'add stock to items (ledger adjustments)', true, (ctx, a, body) =>
    adjustStock(ctx, { recNo: a.lot.recNo, delta: a.quantity, reason: notes(body) ?? 'stock added' }),
  );
  adjust('remove', 'remove stock from items (ledger issues)', true, (ctx, a, body) =>
    issueStock(ctx, { recNo: a.lot.recNo, units: a.quantity, remark: notes(body) ?? null }),
  );
  adjust('count', 'count items (a stocktake: ledger adjustments to the counted quantity)', false, async (ctx, a, body) => {
    if (toScaled(a.quantity) === toScaled(a.lot.units)) return;
    await adjustStock(ctx, { recNo: a.lot.recNo, units: a.quantity, reason: notes(body) ?? 'stock count' });
  });
  adjust('transfer', 'transfer items to a location (ledger moves; the moved stock becomes a new item there)', true, (ctx, a, body, to) =>
    moveStock(ctx, { recNo: a.lot.recNo, units: a.quantity, toWID: to!.wid, toSpot: to!.spot, remark: notes(body) ?? null }),
  );
};
