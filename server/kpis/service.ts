import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { StatusThresholds } from '../config';
import { customerScope, type PartnerCaller } from '../auth/caller';
import { customerDayAnswers } from '../portfolio/customer-day';
import { todayUtc } from '../dates';
import { countKpis, type Kpis } from './queries';

export type KpisDeps = { db: Kysely<DB>; thresholds: StatusThresholds };

export async function kpisFor(
  deps: KpisDeps,
  input: { caller: PartnerCaller; asOf?: string },
): Promise<Kpis> {
  const params = {
    scope: customerScope(input.caller),
    asOf: input.asOf ?? todayUtc(),
    thresholds: deps.thresholds,
  };
  return countKpis(deps.db, { ...params, stored: await customerDayAnswers(deps.db, params) });
}
