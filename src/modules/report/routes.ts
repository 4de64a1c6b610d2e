import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { dateRangeQuery } from '../../http/list/filters.js';
import { availableReports, runReport, toCsv } from './service.js';

const tags = ['Report'];
const access = { access: { ruleset: 'report', action: 'view' } } as const;
const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);

/** A report run's query: the answer's format, the report's parameters and the row cap. */
export const ReportQuery = Type.Object(
  {
    format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
    ...dateRangeQuery,
    wID: Type.Optional(Type.Integer({ minimum: 1 })),
    partNo: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000, description: 'Row cap; `truncated` says when it was reached.' }),
  },
  { additionalProperties: false },
);
/** A report's answer as JSON (the CSV form is made from the same object). */
export const ReportSchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  generated: Type.String(),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Record(Type.String(), Cell)),
  totals: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  truncated: Type.Boolean(),
});

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/api/v1/Report',
    config: access,
    schema: {
      tags,
      summary: 'The reports you may run (granted per report by your groups)',
      response: {
        200: Type.Array(Type.Object({ name: Type.String(), title: Type.String(), description: Type.String(), parameters: Type.Array(Type.String()) })),
      },
    },
    handler: (req) => availableReports(req.ctx!),
  });
  app.route({
    method: 'GET',
    url: '/api/v1/Report/:name',
    config: access,
    schema: {
      tags,
      summary: 'Run a report as JSON or CSV',
      description: 'Each report needs its own grant (a group lists the reports it may run); others answer 403 permission.denied.',
      params: Type.Object({ name: Type.String({ maxLength: 64 }) }),
      querystring: ReportQuery,
      response: {
        200: {
          description: 'The report: JSON by default, CSV (RFC 4180, CRLF, a header line) with `format=csv`.',
          content: {
            'application/json': {
              schema: ReportSchema,
            },
            'text/csv': { schema: Type.String() },
          },
        },
      },
    },
    handler: async (req, reply) => {
      const { format, ...params } = req.query;
      const result = await runReport(req.ctx!, req.params.name.toLowerCase(), params);
      if (format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${result.name}.csv"`).send(toCsv(result));
      }
      return result;
    },
  });
};
