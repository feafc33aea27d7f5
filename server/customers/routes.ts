import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { asOfQuery, customerDetail, customerList, customerListQuery } from '../../contract/customers';
import { requireReader } from '../auth/caller';
import { csvFileName } from '../http/csv';
import { sendJson, type AnswerMemo } from '../http/answers';
import { customersCsv, getCustomer, listCustomers, type CustomersDeps } from './service';
import { listTags } from './queries';
import { customerScope } from '../auth/caller';

export async function customerRoutes(app: FastifyInstance, deps: CustomersDeps & { answers: AnswerMemo }) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/customers',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['customers'],
        summary: 'The customer list with statuses (SPEC §4): filters, search, sort, paging',
        querystring: customerListQuery,
        response: { 200: customerList },
      },
    },
    async (request, reply) => {
      const caller = requireReader(request);
      const compute = () => listCustomers(deps, { caller, query: request.query });
      return sendJson(reply, await deps.answers.json({ request, caller, schema: customerList, compute }));
    },
  );

  api.get(
    '/customers.csv',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['customers'],
        summary: 'The filtered, sorted customer list as CSV',
        querystring: customerListQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { csv, asOf } = await customersCsv(deps, {
        caller: requireReader(request),
        query: request.query,
      });
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${csvFileName('customers', asOf)}"`)
        .send(csv);
    },
  );

  api.get(
    '/customers/:id',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['customers'],
        summary: 'One customer with subscriptions, trials, invoices, orders and administrators',
        params: z.object({ id: z.string().max(100) }),
        querystring: asOfQuery,
        response: { 200: customerDetail },
      },
    },
    async (request, reply) => {
      const caller = requireReader(request);
      const compute = () => getCustomer(deps, { caller, id: request.params.id, asOf: request.query.asOf });
      return sendJson(reply, await deps.answers.json({ request, caller, schema: customerDetail, compute }));
    },
  );

  api.get(
    '/tags',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['customers'],
        summary: 'Tags in use on customers',
        response: { 200: z.object({ items: z.array(z.string()) }) },
      },
    },
    async (request) => ({ items: await listTags(deps.db, customerScope(requireReader(request))) }),
  );
}
