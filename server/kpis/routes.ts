import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { asOfQuery, kpis } from '../../contract/customers';
import { requireReader } from '../auth/caller';
import { sendJson, type AnswerMemo } from '../http/answers';
import { kpisFor, type KpisDeps } from './service';

export async function kpiRoutes(app: FastifyInstance, deps: KpisDeps & { answers: AnswerMemo }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/kpis',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['analytics'],
        summary: 'Customer KPIs (SPEC §9): counts of customers',
        querystring: asOfQuery,
        response: { 200: kpis },
      },
    },
    async (request, reply) => {
      const caller = requireReader(request);
      const compute = () => kpisFor(deps, { caller, asOf: request.query.asOf });
      return sendJson(reply, await deps.answers.json({ request, caller, schema: kpis, compute }));
    },
  );
}
