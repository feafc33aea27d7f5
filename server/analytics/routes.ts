import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  analyticsOverview as overviewSchema,
  analyticsQuery,
  analyticsRows as rowsSchema,
  analyticsRowsQuery,
  analyticsSectionParams,
} from '../../contract/analytics';
import { requireReader } from '../auth/caller';
import { csvFileName } from '../http/csv';
import { sendJson, type AnswerMemo } from '../http/answers';
import { analyticsCsv, analyticsOverview, analyticsRows, type AnalyticsDeps } from './service';

export async function analyticsRoutes(app: FastifyInstance, deps: AnalyticsDeps & { answers: AnswerMemo }) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/analytics',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['analytics'],
        summary:
          'Subscription analytics (SPEC §10) for meetings or calling: trend, and each section with KPIs and its first 100 rows',
        querystring: analyticsQuery,
        response: { 200: overviewSchema },
      },
    },
    async (request, reply) => {
      const caller = requireReader(request);
      const compute = () => analyticsOverview(deps, { caller, query: request.query });
      return sendJson(reply, await deps.answers.json({ request, caller, schema: overviewSchema, compute }));
    },
  );

  api.get(
    '/analytics/:section/rows',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['analytics'],
        summary: 'The rows behind one analytics section: sorted, paged',
        params: analyticsSectionParams,
        querystring: analyticsRowsQuery,
        response: { 200: rowsSchema },
      },
    },
    async (request, reply) => {
      const caller = requireReader(request);
      const compute = () =>
        analyticsRows(deps, { caller, section: request.params.section, query: request.query });
      return sendJson(reply, await deps.answers.json({ request, caller, schema: rowsSchema, compute }));
    },
  );

  api.get(
    '/analytics/:section/rows.csv',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['analytics'],
        summary: 'All rows of one analytics section as CSV, in the same order',
        params: analyticsSectionParams,
        querystring: analyticsRowsQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { section } = request.params;
      const { csv, asOf } = await analyticsCsv(deps, {
        caller: requireReader(request),
        section,
        query: request.query,
      });
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header(
          'Content-Disposition',
          `attachment; filename="${csvFileName(`analytics-${request.query.product}-${section}`, asOf)}"`,
        )
        .send(csv);
    },
  );
}
