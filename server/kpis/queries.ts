import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { analyticsProducts } from '../../contract/common';
import { day, licenseFacts, lowAssignmentFlags, type PortfolioParams } from '../portfolio/queries';

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
  const asOf = day(params.asOf);
  const low = analyticsProducts.map(
    (product) => sql`select customer_id from (${lowAssignmentFlags({ partnerId: params.scope.partnerId, asOf: params.asOf, product })}) x where flagged`,
  );
  return sql`
    with facts as (${licenseFacts({ ...params, products: analyticsProducts })}),
    low as (${sql.join(low, sql` union `)})
    select f.customer_id,
           bool_or(f.status <> 'cancelled') as "totalCustomers",
           bool_or(f.active and (f.kind = 'trial' or not f.auto_renew) and f.end_date - ${asOf} <= 90) as "approachingExpiration",
           bool_or(f.active and f.kind = 'paid' and f.auto_renew and f.effective_end - ${asOf} <= 90) as "approachingRenewal",
           bool_or(f.customer_id in (select customer_id from low)) as "lowAssignment",
           bool_or(f.active and f.assigned > f.purchased) as "exceedingLimit"
    from facts f
    group by f.customer_id
    having bool_or(f.status <> 'cancelled')`;
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
