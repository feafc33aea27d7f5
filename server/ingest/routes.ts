import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  importCounts,
  importDocument,
  invoicesBatch,
  ordersBatch,
  signInsBatch,
  usageBatch,
} from '../../contract/import';
import { actorOf, requireIngest } from '../auth/caller';
import { importBatch, ingestBatch, type IngestDeps } from './service';
import type { UsageLog } from './usage-log';

const empty = { customers: [], subscriptions: [], usage: [], signIns: [], invoices: [], orders: [] };

export async function ingestRoutes(
  app: FastifyInstance,
  deps: IngestDeps & { usageLog: UsageLog; bodyLimit: number },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const common = { bodyLimit: deps.bodyLimit, config: { access: 'ingest' as const } };
  const response = { 200: importCounts };

  api.post(
    '/import',
    {
      ...common,
      schema: {
        tags: ['ingest'],
        summary: 'Import a whole document (SPEC §11); all of it or none of it',
        body: importDocument,
        response,
      },
    },
    async (request) => {
      const caller = requireIngest(request);
      return importBatch(deps, {
        partnerId: caller.partnerId,
        batch: request.body,
        actor: actorOf(caller),
        source: 'api:import',
      });
    },
  );

  api.post(
    '/usage',
    {
      ...common,
      schema: {
        tags: ['ingest'],
        summary: 'Daily license usage, up to 50 000 rows a batch',
        body: usageBatch,
        response,
      },
    },
    async (request) => {
      const caller = requireIngest(request);
      const batch = { ...empty, usage: request.body.usage };
      return deps.usageLog.appending(caller.partnerId, (keep) =>
        ingestBatch(deps, {
          partnerId: caller.partnerId,
          batch,
          actor: actorOf(caller),
          source: 'api:usage',
          appendUsage: true,
          onUsageLogged: keep,
        }),
      );
    },
  );

  api.post(
    '/orders',
    {
      ...common,
      schema: { tags: ['ingest'], summary: 'Orders from the ordering system', body: ordersBatch, response },
    },
    async (request) => {
      const caller = requireIngest(request);
      return ingestBatch(deps, {
        partnerId: caller.partnerId,
        batch: { ...empty, orders: request.body.orders },
        actor: actorOf(caller),
        source: 'api:orders',
      });
    },
  );

  api.post(
    '/invoices',
    { ...common, schema: { tags: ['ingest'], summary: 'Invoices', body: invoicesBatch, response } },
    async (request) => {
      const caller = requireIngest(request);
      return ingestBatch(deps, {
        partnerId: caller.partnerId,
        batch: { ...empty, invoices: request.body.invoices },
        actor: actorOf(caller),
        source: 'api:invoices',
      });
    },
  );

  api.post(
    '/sign-ins',
    {
      ...common,
      schema: { tags: ['ingest'], summary: 'Customer administrator sign-ins', body: signInsBatch, response },
    },
    async (request) => {
      const caller = requireIngest(request);
      return ingestBatch(deps, {
        partnerId: caller.partnerId,
        batch: { ...empty, signIns: request.body.signIns },
        actor: actorOf(caller),
        source: 'api:sign-ins',
      });
    },
  );
}
