import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { kpiMemberships } from '../portfolio/queries';
import { kpiColumns, storedCustomerDay, type DayParams } from '../portfolio/customer-day';

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
  const kpis = Object.entries(kpiColumns) as [KpiName, (typeof kpiColumns)[KpiName]][];
  // The computed memberships under customer_day's column names, so one count reads either.
  const members = params.stored
    ? storedCustomerDay(params.scope)
    : sql`select ${sql.join(kpis.map(([name, column]) => sql`m.${sql.ref(name)} as ${sql.ref(column)}`))} from (${kpiMemberships(params)}) m`;
  const { rows } = await sql<Kpis>`
    select ${sql.join(kpis.map(([name, column]) => sql`count(*) filter (where d.${sql.ref(column)})::int as ${sql.ref(name)}`))}
    from (${members}) d`.execute(db);
  const counts = rows[0];
  if (!counts) throw new Error('The KPI query returned no row.');
  return counts;
}
