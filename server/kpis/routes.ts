import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { asOfQuery, kpis } from '../../contract/customers';
import { requireReader } from '../auth/caller';
import { kpisFor, type KpisDeps } from './service';

export async function kpiRoutes(app: FastifyInstance, deps: KpisDeps) {
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
    async (request) => kpisFor(deps, { caller: requireReader(request), asOf: request.query.asOf }),
  );
}
