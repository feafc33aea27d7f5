import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { editTrialBody, startTrialAnswer, startTrialBody, trial } from '../../contract/trials';
import { requireManager } from '../auth/caller';
import { cancelTrial, editTrial, extendTrial, startTrial, type TrialsDeps } from './service';

const params = z.object({ subscriptionId: z.string().max(100) });

export async function trialRoutes(app: FastifyInstance, deps: TrialsDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/trials',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['trials'],
        summary:
          'Start a trial: the customer organization (unless customerId is given), its administrator invitation and a trial subscription',
        body: startTrialBody,
        response: { 201: startTrialAnswer },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await startTrial(deps, { caller: requireManager(request), body: request.body })),
  );

  api.patch(
    '/trials/:subscriptionId',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['trials'],
        summary: "Change a trial's products and license counts",
        params,
        body: editTrialBody,
        response: { 200: trial },
      },
    },
    async (request) =>
      editTrial(deps, {
        caller: requireManager(request),
        subscriptionId: request.params.subscriptionId,
        products: request.body.products,
      }),
  );

  api.post(
    '/trials/:subscriptionId/extend',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['trials'],
        summary: 'Extend a trial to 30 days from today; once per trial',
        params,
        response: { 200: trial },
      },
    },
    async (request) =>
      extendTrial(deps, { caller: requireManager(request), subscriptionId: request.params.subscriptionId }),
  );

  api.post(
    '/trials/:subscriptionId/cancel',
    {
      config: { access: 'manager' },
      schema: { tags: ['trials'], summary: 'Cancel a trial', params, response: { 200: trial } },
    },
    async (request) =>
      cancelTrial(deps, { caller: requireManager(request), subscriptionId: request.params.subscriptionId }),
  );
}
