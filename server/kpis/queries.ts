import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { kpiMemberships } from '../portfolio/queries';
import { storedCustomerDay, type DayParams } from '../portfolio/customer-day';

export type Kpis = {
  totalCustomers: number;
  approachingExpiration: number;
  approachingRenewal: number;
  lowAssignment: number;
  exceedingLimit: number;
};

export type KpiName = keyof Kpis;

/**
 * SPEC §9: counts of scoped customers that have a meetings or calling line in a subscription not cancelled, from
 * customer_day when it answers (`stored`), else from the facts.
 */
export async function countKpis(db: Kysely<DB>, params: DayParams & { stored: boolean }): Promise<Kpis> {
  const { rows } = params.stored
    ? await sql<Kpis>`
        select count(*) filter (where d.total_customers)::int as "totalCustomers",
               count(*) filter (where d.approaching_expiration)::int as "approachingExpiration",
               count(*) filter (where d.approaching_renewal)::int as "approachingRenewal",
               count(*) filter (where d.low_assignment)::int as "lowAssignment",
               count(*) filter (where d.exceeding_limit)::int as "exceedingLimit"
        from (${storedCustomerDay(params.scope)}) d`.execute(db)
    : await sql<Kpis>`
        select count(*) filter (where m."totalCustomers")::int as "totalCustomers",
               count(*) filter (where m."approachingExpiration")::int as "approachingExpiration",
               count(*) filter (where m."approachingRenewal")::int as "approachingRenewal",
               count(*) filter (where m."lowAssignment")::int as "lowAssignment",
               count(*) filter (where m."exceedingLimit")::int as "exceedingLimit"
        from (${kpiMemberships(params)}) m`.execute(db);
  const kpis = rows[0];
  if (!kpis) throw new Error('The KPI query returned no row.');
  return kpis;
}
