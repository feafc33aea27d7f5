import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  orderDetail,
  orderList,
  orderListQuery,
  orderSetupAnswer,
  orderSetupBody,
} from '../../contract/orders';
import { requireManager, requireReader } from '../auth/caller';
import { getOrder, listOrders, setUpOrder, type OrdersDeps } from './service';

const params = z.object({ number: z.string().max(64) });

export async function orderRoutes(app: FastifyInstance, deps: OrdersDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/orders',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['orders'],
        summary: 'Orders with their setup status, newest first',
        querystring: orderListQuery,
        response: { 200: orderList },
      },
    },
    async (request) => listOrders(deps, { caller: requireReader(request), ...request.query }),
  );

  api.get(
    '/orders/:number',
    {
      config: { access: 'reader' },
      schema: {
        tags: ['orders'],
        summary:
          'One order; while pending setup, with customers it probably belongs to (admin e-mail domain, name)',
        params,
        response: { 200: orderDetail },
      },
    },
    async (request) => getOrder(deps, { caller: requireReader(request), number: request.params.number }),
  );

  api.post(
    '/orders/:number/setup',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['orders'],
        summary:
          'Set up an order: map it to an existing or a new customer; the subscription becomes active from the requested start date',
        params,
        body: orderSetupBody,
        response: { 200: orderSetupAnswer },
      },
    },
    async (request) =>
      setUpOrder(deps, {
        caller: requireManager(request),
        number: request.params.number,
        body: request.body,
      }),
  );
}
