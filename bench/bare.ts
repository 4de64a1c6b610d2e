import Fastify, { type FastifyInstance } from 'fastify';
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { counterOnRows } from '../src/http/list/count.js';
import type { Db } from '../src/db/client.js';
import { accountCounters, items } from '../src/db/schema/index.js';
import { listOf } from '../src/http/list/engine.js';
import { itemView } from '../src/modules/item/service.js';
import { ItemSchema } from '../src/modules/item/routes.js';
import { pageQuery, toPage } from '../src/http/list/engine.js';
import { Type } from '@sinclair/typebox';

/**
 * The baseline the list call is measured against (SPEC §9): a bare Fastify route that knows its tokens from a map
 * and answers `GET /api/v1/Item?page=&pageSize=` with the same page and total statements (prepared once) on the same
 * database, the same item view and the same response schema. No authentication scheme, guard, audit or context:
 * what is left is what any Fastify app pays for this page.
 */
export async function buildBareApp(db: Db, tokens: ReadonlyMap<string, { accountId: number }>): Promise<FastifyInstance> {
  // The same statements as the token list's plain page (src/modules/item/service.ts): the page with the counter on
  // each row, and the counter alone for an empty page.
  const page = db
    .select({ ...getTableColumns(items), total: counterOnRows(sql.placeholder('accountId'), 'items') })
    .from(items)
    .where(eq(items.accountId, sql.placeholder('accountId')))
    .orderBy(asc(items.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('bench_bare_item_page');
  const total = db
    .select({ n: accountCounters.n })
    .from(accountCounters)
    .where(and(eq(accountCounters.accountId, sql.placeholder('accountId')), eq(accountCounters.name, 'items')))
    .prepare('bench_bare_item_total');

  const app = Fastify({ logger: false });
  app.get(
    '/api/v1/Item',
    {
      schema: {
        querystring: Type.Object(pageQuery),
        response: { 200: listOf(ItemSchema), 401: Type.Object({ error: Type.Object({ key: Type.String() }, { additionalProperties: true }) }) },
      },
    },
    async (req, reply) => {
      const header = req.headers.authorization;
      const caller = header?.startsWith('Token ') ? tokens.get(header.slice(6)) : undefined;
      if (!caller) return reply.code(401).send({ error: { key: 'token.invalid' } });
      const q = req.query as { page: number; pageSize: number };
      const offset = (q.page - 1) * q.pageSize;
      const rows = await page.execute({ accountId: caller.accountId, limit: q.pageSize + 1, offset });
      const counted = rows.length ? Number(rows[0]!.total ?? 0) : Number((await total.execute({ accountId: caller.accountId }))[0]?.n ?? 0);
      const shown = rows.slice(0, q.pageSize);
      const out = toPage(shown.map(itemView), Math.max(counted, offset + shown.length), q.page, q.pageSize);
      return { ...out, hasMore: rows.length > q.pageSize };
    },
  );
  return app;
}
