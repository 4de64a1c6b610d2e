import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../http/errors.js';
import { MAX_PAGE_SIZE, type ListParams } from '../../http/list/engine.js';
import { rawParam, type Query } from './input.js';

/**
 * DRF's LimitOffsetPagination as InvenTree uses it: without `limit` a list answers a plain JSON array of every
 * row; with `limit` (and `offset`) it answers `{"count","next","previous","results"}`. `limit` is capped at 500.
 * An unpaged list stops at UNPAGED_MAX rows and answers 400 beyond that, rather than a silently cut list.
 */
export const UNPAGED_MAX = 10_000;

export interface Paging {
  limit: number;
  offset: number;
}

/** A non-negative integer parameter, clamped to a billion (anything larger pages nowhere anyway). */
function positive(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,30}$/.test(v)) return undefined;
  return Math.min(Number(v), 1_000_000_000);
}

/** null: no (valid) `limit`, so the whole list as an array — DRF falls back the same way on a bad limit. */
export function pagingOf(q: Query): Paging | null {
  const limit = positive(rawParam(q, 'limit'));
  if (!limit) return null;
  return { limit: Math.min(limit, MAX_PAGE_SIZE), offset: positive(rawParam(q, 'offset')) ?? 0 };
}

export const pagingQuery = {
  limit: Type.Optional(Type.String({ description: 'Page size (at most 500). Without it the list is a plain JSON array.' })),
  offset: Type.Optional(Type.String({ description: 'Rows to skip (with `limit`).' })),
};

export function listResponse<T extends TSchema>(item: T) {
  return Type.Union([
    Type.Array(item),
    Type.Object({
      count: Type.Integer(),
      next: Type.Union([Type.String(), Type.Null()]),
      previous: Type.Union([Type.String(), Type.Null()]),
      results: Type.Array(item),
    }),
  ]);
}

function pageUrl(request: FastifyRequest, limit: number, offset: number): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('limit', String(limit));
  if (offset > 0) url.searchParams.set('offset', String(offset));
  else url.searchParams.delete('offset');
  return url.toString();
}

export interface Envelope<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

function envelope<T>(request: FastifyRequest, paging: Paging, count: number, results: T[], more: boolean): Envelope<T> {
  const { limit, offset } = paging;
  return {
    count,
    next: more ? pageUrl(request, limit, offset + limit) : null,
    previous: offset > 0 ? pageUrl(request, limit, Math.max(0, offset - limit)) : null,
    results,
  };
}

interface ServicePage<Row> {
  value: Row[];
  totalCount: number;
  hasMore: boolean;
  next?: string;
}

/**
 * A list backed by one of our list services: one page for `limit`/`offset`, or a keyset walk (500 rows a query)
 * for the unpaged array. `view` turns a page of rows into InvenTree objects (it may batch look-ups).
 */
export async function serviceList<Row, Out>(
  request: FastifyRequest,
  fetch: (p: ListParams) => Promise<ServicePage<Row>>,
  view: (rows: Row[]) => Promise<Out[]> | Out[],
  sort?: string,
): Promise<Out[] | Envelope<Out>> {
  const paging = pagingOf(request.query as Query);
  if (paging) {
    const page = await fetch({ page: 1, pageSize: paging.limit, offset: paging.offset, sort });
    return envelope(request, paging, page.totalCount, await view(page.value), page.hasMore);
  }
  const out: Out[] = [];
  let after: string | undefined;
  // A cursor pages by at most one sort field.
  const walkSort = sort?.split(',')[0];
  for (;;) {
    const page = await fetch({ page: 1, pageSize: MAX_PAGE_SIZE, sort: walkSort, after });
    out.push(...(await view(page.value)));
    if (out.length > UNPAGED_MAX) throw tooMany();
    if (!page.hasMore || !page.next) return out;
    after = page.next;
  }
}

/** A list computed in memory (locations, a category subtree): paged the same way. */
export function memoryList<T>(request: FastifyRequest, all: T[]): T[] | Envelope<T> {
  const paging = pagingOf(request.query as Query);
  if (!paging) {
    if (all.length > UNPAGED_MAX) throw tooMany();
    return all;
  }
  const results = all.slice(paging.offset, paging.offset + paging.limit);
  return envelope(request, paging, all.length, results, paging.offset + paging.limit < all.length);
}

function tooMany(): ApiError {
  return new ApiError('validation.failed', `More than ${UNPAGED_MAX} results: page through them with limit and offset.`);
}
