import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { asOfQuery, kpis } from '../../contract/customers';
import { customerScope, requireReader } from '../auth/caller';
import { todayUtc } from '../dates';
import { countKpis } from './queries';

export async function kpiRoutes(app: FastifyInstance, deps: { db: Kysely<DB> }) {
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
    async (request) =>
      countKpis(deps.db, { scope: customerScope(requireReader(request)), asOf: request.query.asOf ?? todayUtc() }),
  );
}
