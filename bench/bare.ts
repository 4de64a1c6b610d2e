import Fastify, { type FastifyInstance } from 'fastify';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';
import { accountCounters, items } from '../src/db/schema/index.js';
import { listOf } from '../src/http/list/engine.js';
import { itemView } from '../src/modules/item/service.js';
import { ItemSchema } from '../src/modules/item/routes.js';
import { pageQuery, toPage } from '../src/http/list/engine.js';
import { Type } from '@sinclair/typebox';

/**
 * The baseline the list call is measured against (SPEC §9): a bare Fastify route that knows its tokens from a map
 * and answers `GET /api/v1/Item?page=&pageSize=` with the same page and total queries (prepared once) on the same
 * database, the same item view and the same response schema. No authentication scheme, guard, audit or context:
 * what is left is what any Fastify app pays for this page.
 */
export async function buildBareApp(db: Db, tokens: ReadonlyMap<string, { accountId: number }>): Promise<FastifyInstance> {
  const page = db
    .select()
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
      const [rows, counted] = await Promise.all([
        page.execute({ accountId: caller.accountId, limit: q.pageSize + 1, offset }),
        total.execute({ accountId: caller.accountId }),
      ]);
      const shown = rows.slice(0, q.pageSize);
      const out = toPage(shown.map(itemView), Math.max(Number(counted[0]?.n ?? 0), offset + shown.length), q.page, q.pageSize);
      return { ...out, hasMore: rows.length > q.pageSize };
    },
  );
  return app;
}
