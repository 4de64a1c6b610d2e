import { Type, type TSchema } from '@sinclair/typebox';

/**
 * `?page=1&pageSize=10` (pageSize at most 500), the SPEC's paging parameters. Pages stop at 2³¹−1, so the offset
 * (at most about 10¹² rows) is an exact number and fits the database's bigint.
 */
export const MAX_PAGE_SIZE = 500;
export const MAX_PAGE = 2_147_483_647;
export const pageQuery = {
  page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Page number, from 1.' }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50, description: `Items per page (at most ${MAX_PAGE_SIZE}).` }),
};

function envelope<T extends TSchema>(item: T) {
  return {
    value: Type.Array(item),
    totalCount: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    pageCount: Type.Integer(),
    hasMore: Type.Boolean(),
  };
}

/** The list envelope: `{"value":[...],"totalCount","page","pageSize","pageCount","hasMore"}`. */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object(envelope(item));
}

/** The same envelope plus `next`, the cursor for keyset paging, on lists that offer it. */
export function cursorPageOf<T extends TSchema>(item: T) {
  return Type.Object({
    ...envelope(item),
    next: Type.Optional(Type.String({ description: 'Cursor for the next page (present when sorting allows it and more rows follow): pass it as `after`.' })),
  });
}

export interface Page<T> {
  value: T[];
  totalCount: number;
  page: number;
  pageSize: number;
  pageCount: number;
  hasMore: boolean;
}

export function toPage<T>(value: T[], totalCount: number, page: number, pageSize: number): Page<T> {
  const pageCount = Math.ceil(totalCount / pageSize);
  return { value, totalCount, page, pageSize, pageCount, hasMore: page < pageCount };
}

export function offsetOf(page: number, pageSize: number): number {
  return (page - 1) * pageSize;
}
