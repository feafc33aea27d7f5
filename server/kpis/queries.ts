import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { analyticsProducts } from '../../contract/common';
import {
  countsForKpis,
  expiringWithin90,
  licenseFacts,
  licenseOverage,
  lowAssignment,
  lowAssignmentCut,
  renewingWithin90,
  inScope,
  type PortfolioParams,
} from '../portfolio/queries';

export type Kpis = {
  totalCustomers: number;
  approachingExpiration: number;
  approachingRenewal: number;
  lowAssignment: number;
  exceedingLimit: number;
};

export type KpiName = keyof Kpis;

/**
 * SPEC §9: counts of scoped customers that have a meetings or calling line in a subscription not cancelled.
 * Also answers which customers are behind each KPI (the drill-down), from the same SQL.
 */
function kpiMembers(params: PortfolioParams) {
  const { scope, asOf } = params;
  return sql`
    with facts as materialized (${licenseFacts({ partnerId: scope.partnerId, asOf, products: analyticsProducts, usage: ['assigned'] })}),
    cut as materialized (${lowAssignmentCut(sql`facts`)})
    select f.customer_id,
           bool_or(${countsForKpis}) as "totalCustomers",
           bool_or(${expiringWithin90(asOf)}) as "approachingExpiration",
           bool_or(${renewingWithin90(asOf)}) as "approachingRenewal",
           coalesce(bool_or(${lowAssignment(asOf)}), false) as "lowAssignment",
           bool_or(${licenseOverage}) as "exceedingLimit"
    from facts f
    left join cut on cut.product = f.product
    where ${inScope({ scope, customer: sql`f.customer_id` })}
    group by f.customer_id
    having bool_or(${countsForKpis})`;
}

export async function countKpis(db: Kysely<DB>, params: PortfolioParams): Promise<Kpis> {
  const { rows } = await sql<Kpis>`
    select count(*) filter (where "totalCustomers")::int as "totalCustomers",
           count(*) filter (where "approachingExpiration")::int as "approachingExpiration",
           count(*) filter (where "approachingRenewal")::int as "approachingRenewal",
           count(*) filter (where "lowAssignment")::int as "lowAssignment",
           count(*) filter (where "exceedingLimit")::int as "exceedingLimit"
    from (${kpiMembers(params)}) m`.execute(db);
  const kpis = rows[0];
  if (!kpis) throw new Error('The KPI query returned no row.');
  return kpis;
}

/** The ids of the customers behind one KPI. */
export function kpiCustomerIds(params: PortfolioParams, kpi: KpiName) {
  return sql<{ customer_id: string }>`select customer_id from (${kpiMembers(params)}) m where ${sql.ref(`m.${kpi}`)}`;
}
