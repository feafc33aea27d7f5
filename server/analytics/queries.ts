import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import {
  analyticsRowFields,
  type AnalyticsRow,
  type AnalyticsRowField,
  type AnalyticsSection,
} from '../../contract/analytics';
import {
  day,
  expiringWithin90,
  inScope,
  licenseFacts,
  licenseOverage,
  licenseUsageAt,
  lowAssignment,
  lowAssignmentCut,
  recentlyAdded,
  renewingWithin90,
  type PortfolioParams,
} from '../portfolio/queries';

// SPEC §10 for one product at asOf. Every question starts from `members`: the product's license facts with the
// section each row belongs to. The low-assignment cohort is the whole partner; rows are then scoped.

export type AnalyticsParams = PortfolioParams & { product: string };
export type SectionSort = { field: AnalyticsRowField; descending: boolean };

const sectionColumns: Record<AnalyticsSection, string> = {
  recentlyAdded: 'recently_added',
  expiring: 'expiring',
  renewing: 'renewing',
  lowAssignment: 'low_assignment',
  overage: 'overage',
};

const inSection = (section: AnalyticsSection) => sql.ref(`f.${sectionColumns[section]}`);

/** The product's license facts of the caller's customers that belong to at least one section. */
function members(params: AnalyticsParams): RawBuilder<unknown> {
  const { scope, asOf } = params;
  return sql`
    with facts as materialized (${licenseFacts({ partnerId: scope.partnerId, asOf, products: [params.product] })}),
    cut as materialized (${lowAssignmentCut(sql`facts`)}),
    flagged as (
      select f.*, o.external_id, o.name as customer_name, ${recentlyAdded(asOf)} as recently_added, ${expiringWithin90(asOf)} as expiring,
             ${renewingWithin90(asOf)} as renewing, coalesce(${lowAssignment(asOf)}, false) as low_assignment,
             ${licenseOverage} as overage
      from facts f
      join organizations o on o.partner_id = ${scope.partnerId} and o.id = f.customer_id
      left join cut on cut.product = f.product
      where ${inScope({ scope, customer: sql`f.customer_id` })}
    )
    select * from flagged f where f.recently_added or f.expiring or f.renewing or f.low_assignment or f.overage`;
}

/** Section KPIs as JSON: ratios of sums, null over nothing. */
function sectionKpis(section: AnalyticsSection): RawBuilder<unknown> {
  const customers = sql`'customers', count(distinct f.customer_id)`;
  const ratios = sql`'assignedRatio', sum(f.assigned)::float8 / nullif(sum(f.purchased), 0),
                     'usedRatio', sum(f.used)::float8 / nullif(sum(f.purchased), 0)`;
  const kpis = {
    recentlyAdded: sql`${customers}, 'licenses', coalesce(sum(f.purchased), 0)`,
    expiring: sql`${customers}, ${ratios}`,
    renewing: sql`${customers}, ${ratios}`,
    lowAssignment: sql`${customers}, ${ratios}, 'unassigned', coalesce(sum(greatest(f.purchased - f.assigned, 0)), 0)`,
    overage: sql`${customers}, 'licenses', coalesce(sum(f.assigned - f.purchased), 0),
                 'average', sum(f.assigned - f.purchased)::float8 / nullif(count(distinct f.customer_id), 0)`,
  }[section];
  return sql`(select json_build_object(${kpis}) from members f where ${inSection(section)})`;
}

/** Each row field of SPEC §11 as an expression over a member `f`, its customer `o` and its licenses row `l`. */
function rowColumns({ scope, asOf }: AnalyticsParams): Record<AnalyticsRowField, RawBuilder<unknown>> {
  const partnerId = scope.partnerId;
  const weekAgo = sql`${day(asOf)} - 7`;
  return {
    customerId: sql`f.customer_id`,
    externalId: sql`f.external_id`,
    customerName: sql`f.customer_name`,
    subscriptionId: sql`f.subscription_id`,
    kind: sql`f.kind`,
    autoRenew: sql`f.auto_renew`,
    startDate: sql`f.start_date`,
    endDate: sql`f.effective_end`,
    purchased: sql`f.purchased`,
    assigned: sql`f.assigned`,
    used: sql`f.used`,
    available: sql`greatest(f.purchased - f.assigned, 0)`,
    used90d: sql`f.used90d`,
    assignedRatio: sql`f.assigned::float8 / nullif(f.purchased, 0)`,
    usedRatio: sql`f.used::float8 / nullif(f.purchased, 0)`,
    daysSinceAdded: sql`${day(asOf)} - f.start_date`,
    daysUntilEnd: sql`f.effective_end - ${day(asOf)}`,
    monthsSinceAdded: sql`ph_whole_months(f.start_date, ${day(asOf)})`,
    monthsRemaining: sql`ph_whole_months(${day(asOf)}, f.effective_end)`,
    weeklyAssignmentChange: sql`f.assigned - ${licenseUsageAt({ partnerId, licenses: 'l', date: weekAgo, column: 'assigned' })}`,
    weeklyUsageChange: sql`f.used - ${licenseUsageAt({ partnerId, licenses: 'l', date: weekAgo, column: 'used' })}`,
  };
}

/** Weekly changes look a week back, the only figures that may need the licenses row (and the month rows of usage). */
const readsLicenses = (field: AnalyticsRowField) =>
  field === 'weeklyAssignmentChange' || field === 'weeklyUsageChange';

/**
 * A section's rows as JSON, in `sort` order, `limit` of them from `offset` (all without a limit). The page is
 * chosen by its sort key first; only its rows get every field computed.
 */
function sectionRows(
  params: AnalyticsParams & { section: AnalyticsSection; sort: SectionSort; limit?: number; offset?: number },
) {
  const partnerId = params.scope.partnerId;
  const columns = rowColumns(params);
  const { field } = params.sort;
  const direction = sql.raw(params.sort.descending ? 'desc' : 'asc');
  const order = sql`${columns[field]} ${direction} nulls last, f.customer_name, f.subscription_id`;
  const page = params.limit === undefined ? sql`` : sql`limit ${params.limit} offset ${params.offset ?? 0}`;
  const licenses = sql`join subscription_licenses l on l.partner_id = ${partnerId} and l.subscription_id = f.subscription_id and l.product = f.product`;
  return sql`(
    select coalesce(json_agg(json_build_object(${sql.join(
      analyticsRowFields.map((name) => sql`${sql.lit(name)}, ${columns[name]}`),
    )}) order by f.n), '[]'::json)
    from (
      select f.*, row_number() over (order by ${order}) as n
      from members f ${readsLicenses(field) ? licenses : sql``}
      where ${inSection(params.section)}
      order by ${order}
      ${page}
    ) f
    ${licenses})`;
}

const sectionTotal = (section: AnalyticsSection) =>
  sql`(select count(*)::int from members f where ${inSection(section)})`;

export type SectionAnswer<K> = { kpis: K; rows: { items: AnalyticsRow[]; total: number } };
type OverviewRow = Record<AnalyticsSection, SectionAnswer<Record<string, number | null>>>;

/** All five sections at once: KPIs, totals and the first `limit` rows of each in its `sorts` order. */
export async function sectionsOverview(
  db: Kysely<DB>,
  params: AnalyticsParams & {
    sections: readonly AnalyticsSection[];
    sorts: Record<AnalyticsSection, SectionSort>;
    limit: number;
  },
): Promise<OverviewRow> {
  const columns = params.sections.map(
    (section) => sql`json_build_object('kpis', ${sectionKpis(section)},
                        'rows', json_build_object('items', ${sectionRows({ ...params, section, sort: params.sorts[section], limit: params.limit })},
                                                   'total', ${sectionTotal(section)})) as ${sql.ref(section)}`,
  );
  const { rows } = await sql<OverviewRow>`
    with members as materialized (${members(params)})
    select ${sql.join(columns)}`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('The analytics query returned no row.');
  return row;
}

/** One section's rows (a page, or all of them) and how many there are. */
export async function sectionPage(
  db: Kysely<DB>,
  params: AnalyticsParams & { section: AnalyticsSection; sort: SectionSort; limit?: number; offset?: number },
): Promise<{ items: AnalyticsRow[]; total: number }> {
  const { rows } = await sql<{ items: AnalyticsRow[]; total: number }>`
    with members as materialized (${members(params)})
    select ${sectionRows(params)} as items, ${sectionTotal(params.section)} as total`.execute(db);
  return rows[0] ?? { items: [], total: 0 };
}
