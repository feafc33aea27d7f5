import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from './db/schema';
import type { Config } from './config';
import { authRoutes } from './auth/routes';
import { customerRoutes } from './customers/routes';
import { kpiRoutes } from './kpis/routes';
import { analyticsRoutes } from './analytics/routes';
import { ingestRoutes } from './ingest/routes';
import { tokenRoutes } from './tokens/routes';
import { trialRoutes } from './trials/routes';
import { orderRoutes } from './orders/routes';
import { userRoutes } from './users/routes';
import { assignmentRoutes } from './assignments/routes';
import { consoleRoutes } from './console/routes';
import { auditRoutes } from './audit/routes';
import { onboardingRoutes } from './onboarding/routes';
import { createAnswerMemo } from './http/answers';
import { createUsageLog } from './ingest/usage-log';

export type RouteDeps = { db: Kysely<DB>; config: Config };

/** Every domain's routes under /api/v1: one line per domain. */
export async function apiRoutes(api: FastifyInstance, { db, config }: RouteDeps) {
  const usageLog = createUsageLog({
    db,
    onError: (error, partnerId) => api.log.error({ err: error, partnerId }, 'folding the usage log failed'),
  });
  api.addHook('onClose', () => usageLog.close());
  // Whatever a request reads or writes comes after the usage acknowledged before it arrived: the partner's log,
  // when the caller's lookup found batches in it, is folded first. The ingest routes fold it (or append to it)
  // in their own transaction; kept answers fold it after reading the versions (server/http/answers.ts).
  api.addHook('preHandler', async (request) => {
    const caller = request.caller;
    if (caller?.usageWaiting && request.routeOptions.config.access !== 'ingest')
      await usageLog.settle(caller.partnerId);
  });
  const answers = createAnswerMemo({ db, settleUsage: usageLog.settle });
  await authRoutes(api, { db, config });
  await customerRoutes(api, { db, thresholds: config, answers });
  await kpiRoutes(api, { db, thresholds: config, answers });
  await analyticsRoutes(api, { db, answers });
  await ingestRoutes(api, { db, usageLog, bodyLimit: config.MAX_BODY_MB * 1024 * 1024 });
  await tokenRoutes(api, { db });
  await trialRoutes(api, { db });
  await orderRoutes(api, { db });
  await userRoutes(api, { db });
  await assignmentRoutes(api, { db });
  await consoleRoutes(api, { db, config });
  await auditRoutes(api, { db });
  await onboardingRoutes(api, { db, config });
}
