import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import type { StatusThresholds } from '../config';
import type { CustomerScope } from '../auth/caller';
import { analyticsProducts, customerStatuses, products } from '../../contract/common';

// The building blocks every portfolio question is made of (SPEC §4.1, §9, §10). Customer statuses, KPIs and
// analytics compose these fragments; none of them restates a rule. The date rules themselves are SQL functions
// (ph_is_active, ph_effective_end, ph_whole_months: migrations 001 and 003; a day's usage figure, ph_usage_at:
// migration 007), and the big reads go through the projections of migration 003, which hold facts, never answers
// for a date.

export type PortfolioParams = { scope: CustomerScope; asOf: string };

/** Whether customer `customer` (an SQL expression) is one the caller may see; true for the whole partner. */
export function inScope({
  scope,
  customer,
}: {
  scope: CustomerScope;
  customer: RawBuilder<unknown>;
}): RawBuilder<boolean> {
  // A set, not a per-row lookup: it stays one hashed subplan whatever the planner thinks of the tables.
  return scope.assignedTo
    ? sql<boolean>`${customer} in (select a.customer_id from customer_assignments a
                                 where a.partner_id = ${scope.partnerId} and a.user_id = ${scope.assignedTo})`
    : sql<boolean>`true`;
}

/** The customers the caller may see: all of the partner's, or those provisioned by or assigned to them. */
export function scopedCustomers({ scope }: { scope: CustomerScope }): RawBuilder<unknown> {
  return sql`select o.* from organizations o
             where o.partner_id = ${scope.partnerId} and o.kind = 'customer' and ${inScope({ scope, customer: sql`o.id` })}`;
}

/** `d` as SQL date. */
export const day = (date: string) => sql`${date}::date`;

/** The instant a UTC calendar date ends: events before it are dated on or before that date. */
export const endOfDay = (date: string) => sql`((${date}::date + 1)::timestamp at time zone 'UTC')`;

/** Subscriptions of the scoped customers with their effective end and whether they are active at asOf. */
export function subscriptionsAt({ scope, asOf }: PortfolioParams): RawBuilder<unknown> {
  return sql`
    select s.partner_id, s.id, s.customer_id, s.kind, s.status, s.start_date, s.end_date, s.auto_renew, s.term_months,
           ph_effective_end(s.kind, s.auto_renew, s.end_date, s.term_months, ${day(asOf)}) as effective_end,
           ph_is_active(s.status, s.kind, s.auto_renew, s.start_date, s.end_date, s.term_months, ${day(asOf)}) as active
    from subscriptions s
    where s.partner_id = ${scope.partnerId} and s.customer_id is not null and ${inScope({ scope, customer: sql`s.customer_id` })}`;
}

export type UsageColumn = 'assigned' | 'used' | 'used90d';

/**
 * A usage figure of one subscription × product at a date: the latest row on or before it, else 0 (SPEC §2).
 * `subscription` and `product` are SQL expressions of the outer query.
 */
export function usageAt(options: {
  partnerId: string;
  subscription: RawBuilder<unknown>;
  product: RawBuilder<unknown>;
  date: RawBuilder<unknown>;
  column: UsageColumn;
}): RawBuilder<number> {
  return sql<number>`coalesce((select u.${sql.ref(options.column)}
      from ph_usage_at(${options.partnerId}, ${options.subscription}, ${options.product}, ${options.date}) u), 0)`;
}

/**
 * `usageAt` for a row of subscription_licenses (alias `licenses`): its latest usage row answers when it is dated
 * on or before the date, which it is for any recent date; only an earlier date looks further back.
 */
export function licenseUsageAt(options: {
  partnerId: string;
  licenses: string;
  date: RawBuilder<unknown>;
  column: UsageColumn;
}): RawBuilder<number> {
  const column = (name: string) => sql.ref(`${options.licenses}.${name}`);
  return sql<number>`(case when ${column('usage_date')} is null then 0
      when ${column('usage_date')} <= ${options.date} then ${column(options.column)}
      else ${usageAt({ partnerId: options.partnerId, subscription: column('subscription_id'), product: column('product'), date: options.date, column: options.column })} end)`;
}

/** Purchased licenses per subscription × product: Σ quantity of its lines. */
export function purchasedLicenses({ partnerId }: { partnerId: string }): RawBuilder<unknown> {
  return sql`select subscription_id, product, purchased from subscription_licenses
             where partner_id = ${partnerId} and has_line`;
}

/** Subscriptions with an invoice unpaid at asOf and more than SUSPEND_AFTER_DAYS past due. */
function overdueSubscriptions(options: { partnerId: string; asOf: string; suspendAfterDays: number }) {
  return sql`select i.subscription_id from invoices i
      where i.partner_id = ${options.partnerId}
        and coalesce(i.paid_at, 'infinity'::timestamptz) >= ${endOfDay(options.asOf)}
        and i.due_date + ${options.suspendAfterDays}::int < ${day(options.asOf)}`;
}

export const statusOrder = sql.raw(`array[${customerStatuses.map((s) => `'${s}'`).join(', ')}]::text[]`);
export const productOrder = sql.raw(`array[${products.map((p) => `'${p}'`).join(', ')}]::text[]`);

/** Customers with a paid subscription active at asOf that has an invoice unpaid and overdue at asOf. */
function overdueCustomers(options: { partnerId: string; asOf: string; suspendAfterDays: number }) {
  // The few overdue invoices are found once (an array, computed before anything else), then their subscriptions.
  return sql`select s.customer_id from subscriptions s
      where s.partner_id = ${options.partnerId} and s.id = any(array(${overdueSubscriptions(options)})) and s.kind = 'paid'
        and ph_is_active(s.status, s.kind, s.auto_renew, s.start_date, s.end_date, s.term_months, ${day(options.asOf)})`;
}

/**
 * One row per scoped customer with its statuses (SPEC §4.1, in the table's order), products, licenses, next end
 * date and last admin sign-in at asOf, read from its customer_portfolio row: the days each status holds, and values
 * per piece of time between the dates its set of active subscriptions changes (`k`, found with width_bucket).
 * Usage-based values there are those of the latest usage rows; for an asOf before the partner's latest usage
 * date they are computed from the subscription × product rows instead.
 */
export function customerFacts(
  params: PortfolioParams & { thresholds: StatusThresholds },
): RawBuilder<unknown> {
  const { scope, asOf, thresholds } = params;
  const partnerId = scope.partnerId;
  const asOfDay = day(asOf);
  const k = sql`width_bucket(${asOfDay}, c.breaks)`;
  const active = sql`ph_is_active(l.status, l.kind, l.auto_renew, l.start_date, l.end_date, l.term_months, ${asOfDay})`;
  const assignedAt = licenseUsageAt({ partnerId, licenses: 'l', date: asOfDay, column: 'assigned' });
  const licensesOf = sql`from subscription_licenses l where l.partner_id = ${partnerId} and l.customer_id = c.customer_id and ${active}`;
  // Whether the latest usage rows are all on or before asOf: then the portfolio's usage-based values answer.
  const latest = sql`(select coalesce(max(p.latest_date) <= ${asOfDay}, true) from partner_usage p where p.partner_id = ${partnerId})`;
  const assigned = sql`(case when ${latest} then coalesce(c.assigned[${k}], 0)
      else (select coalesce(sum(${assignedAt}), 0)::int ${licensesOf} and l.has_line) end)`;
  // Every product counts for overage: assigned above Σ quantity, which is 0 without a line.
  const overage = sql`(case when ${latest} then c.over_days @> ${asOfDay}
      else exists (select 1 ${licensesOf} and ${assignedAt} > l.purchased) end)`;
  // Auto-renewing subscriptions end on their next renewal; one of them (the usual case) is computed inline.
  const renewal = sql`(case when c.renewal_end is null then null
      when cardinality(c.renewal_end) = 1 then
        case when c.renewal_start[1] <= ${asOfDay} then ph_effective_end('paid', true, c.renewal_end[1], c.renewal_term[1], ${asOfDay}) end
      else (select min(ph_effective_end('paid', true, r.end_date, r.term, ${asOfDay}))
            from unnest(c.renewal_start, c.renewal_end, c.renewal_term) as r(start_date, end_date, term)
            where r.start_date <= ${asOfDay}) end)`;
  // The latest sign-in answers unless it is after asOf; then the customer's sign-ins are looked up.
  const lastSignIn = sql`(case when c.last_sign_in_at is null or c.last_sign_in_at < ${endOfDay(asOf)} then c.last_sign_in_at
      else (select max(g.at) from admin_sign_ins g
            where g.partner_id = ${partnerId} and g.customer_id = c.customer_id and g.at < ${endOfDay(asOf)}) end)`;
  const noActivitySince = sql`((${asOfDay} - ${thresholds.NO_ACTIVITY_DAYS}::int + 1)::timestamp at time zone 'UTC')`;
  return sql`
    select c.customer_id as id, c.external_id, c.name, c.search_name, c.country, c.created_at, c.tags,
           coalesce(c.purchased[${k}], 0) as purchased, ${assigned} as assigned,
           least(c.fixed_end[${k}], ${renewal}) as next_end_date, ${lastSignIn} as last_admin_sign_in_at,
           c.products,
           array_remove(array[
             case when c.suspended_days @> ${asOfDay}
                       or c.customer_id in (${overdueCustomers({ partnerId, asOf, suspendAfterDays: thresholds.SUSPEND_AFTER_DAYS })})
                  then 'suspended' end,
             case when ${overage} then 'license_overage' end,
             case when c.expiring_end[${k}] - ${asOfDay} <= ${thresholds.EXPIRING_SOON_DAYS}::int then 'expiring_soon' end,
             case when c.pending then 'ready_for_order_setup' end,
             case when (${lastSignIn} is null or ${lastSignIn} < ${noActivitySince})
                       and c.created_at <= ${asOfDay} - ${thresholds.NO_ACTIVITY_DAYS}::int then 'no_recent_activity' end,
             case when c.trial_days @> ${asOfDay} then 'trial' end,
             case when c.paid_days @> ${asOfDay} then 'subscription' end,
             case when c.expired_from <= ${asOfDay} then 'expired' end
           ], null) as statuses
    from customer_portfolio c
    where c.partner_id = ${partnerId} and ${inScope({ scope, customer: sql`c.customer_id` })}`;
}

/**
 * License facts per subscription × product with a line for one of `products`, for every customer of the partner
 * (scope is applied by the caller, so partner-wide questions like the low-assignment cohort share the rows):
 * the subscription's fields, effective end and whether it is active at asOf, purchased, and usage at asOf.
 */
export function licenseFacts(params: {
  partnerId: string;
  asOf: string;
  products: readonly string[];
  usage?: readonly UsageColumn[];
}): RawBuilder<unknown> {
  const { partnerId } = params;
  const asOfDay = day(params.asOf);
  // Materialized rows compute every column: a caller that needs fewer usage figures asks for fewer.
  const usage = (params.usage ?? ['assigned', 'used', 'used90d']).map(
    (column) =>
      sql`${licenseUsageAt({ partnerId, licenses: 'l', date: asOfDay, column })} as ${sql.ref(column)}`,
  );
  return sql`
    select l.subscription_id, l.customer_id, l.product, l.kind, l.status, l.start_date, l.end_date, l.auto_renew,
           l.term_months, l.purchased, l.usage_date,
           ph_effective_end(l.kind, l.auto_renew, l.end_date, l.term_months, ${asOfDay}) as effective_end,
           ph_is_active(l.status, l.kind, l.auto_renew, l.start_date, l.end_date, l.term_months, ${asOfDay}) as active,
           ${sql.join(usage)}
    from subscription_licenses l
    where l.partner_id = ${partnerId} and l.product in (${sql.join(params.products)})
      and l.has_line and l.customer_id is not null`;
}

// SPEC §9–10 memberships of a license-facts row `f` at asOf: the KPIs count customers with such rows, analytics
// lists the rows.

/** §10.3 / §9 Approaching expiration: a trial or a paid subscription without auto-renewal, ending within 90 days. */
export const expiringWithin90 = (asOf: string) =>
  sql<boolean>`(f.active and (f.kind = 'trial' or not f.auto_renew) and f.end_date - ${day(asOf)} <= 90)`;

/** §10.4 / §9 Approaching renewal: a paid auto-renewing subscription whose effective end is within 90 days. */
export const renewingWithin90 = (asOf: string) =>
  sql<boolean>`(f.active and f.kind = 'paid' and f.auto_renew and f.effective_end - ${day(asOf)} <= 90)`;

/** §10.6 / §9 Exceeding license limit. */
export const licenseOverage = sql<boolean>`(f.active and f.assigned > f.purchased)`;

/** §10.2 Recently added: not cancelled nor pending setup, started in the last 90 days. */
export const recentlyAdded = (asOf: string) =>
  sql<boolean>`(f.status not in ('cancelled', 'pending_setup') and f.start_date between ${day(asOf)} - 89 and ${day(asOf)})`;

/** §10.5 The low-assignment cohort: active with purchased licenses. Its ratio is assigned / purchased. */
export const lowAssignmentCohort = sql<boolean>`(f.active and f.purchased > 0)`;

/**
 * §10.5 The cohort's continuous 25th percentile and median per product, over license facts `facts`. The cohort is
 * always the whole partner, so a flag never depends on who is looking; rows and KPIs are scoped afterwards.
 */
export function lowAssignmentCut(facts: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select f.product,
           percentile_cont(0.25) within group (order by f.assigned::float8 / f.purchased) as p25,
           percentile_cont(0.5) within group (order by f.assigned::float8 / f.purchased) as p50
    from ${facts} f
    where ${lowAssignmentCohort}
    group by f.product`;
}

/** §10.5 Flagged: a cohort member at least 30 days old at or below the 25th percentile and below the median (`cut`). */
export const lowAssignment = (asOf: string) =>
  sql<boolean>`(${lowAssignmentCohort} and f.start_date <= ${day(asOf)} - 30
                and f.assigned::float8 / f.purchased <= cut.p25 and f.assigned::float8 / f.purchased < cut.p50)`;

/**
 * Customers in scope for analytics and KPIs: those with a meetings or calling line in a subscription that is not
 * cancelled (SPEC §9) are the ones that count.
 */
export const countsForKpis = sql<boolean>`(f.status <> 'cancelled')`;

/** A customer's place in the status sort: its first status in the table's order (SPEC §4.1); 99 without one. */
export const statusRank = (statuses: RawBuilder<unknown>) =>
  sql<number>`coalesce((select min(array_position(${statusOrder}, s)) from unnest(${statuses}) s), 99)`;

/**
 * SPEC §9 per customer: whether it counts (a meetings or calling line in a subscription not cancelled) and which
 * KPIs it is behind, for the scoped customers that count. The list's KPI drill-down reads the same rows.
 */
export function kpiMemberships(params: PortfolioParams): RawBuilder<unknown> {
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

/** The trend's running totals of Σ purchased, assigned and used at each of `dates` (SPEC §10.1). */
export async function trendAt(
  db: Kysely<DB>,
  params: PortfolioParams & { product: string; dates: string[] },
): Promise<{ date: string; purchased: number; assigned: number; used: number }[]> {
  const { scope, product } = params;
  // The whole partner reads the projection; a narrower scope adds up its own subscriptions' changes.
  const changes = scope.assignedTo
    ? sql`select c.* from ph_trend_changes(${scope.partnerId}, array(
            select l.subscription_id from subscription_licenses l join (${scopedCustomers({ scope })}) o on o.id = l.customer_id
            where l.partner_id = ${scope.partnerId} and l.product = ${product})) c
          where c.product = ${product}`
    : sql`select c.date, c.purchased, c.assigned, c.used from license_trend_changes c
          where c.partner_id = ${scope.partnerId} and c.product = ${product}`;
  const { rows } = await sql<{ date: string; purchased: number; assigned: number; used: number }>`
    select p.date, coalesce(sum(c.purchased), 0)::int as purchased, coalesce(sum(c.assigned), 0)::int as assigned,
           coalesce(sum(c.used), 0)::int as used
    from unnest(${params.dates}::date[]) as p(date)
    left join (${changes}) c on c.date <= p.date
    group by p.date
    order by p.date`.execute(db);
  return rows;
}

/** How often the partner's facts and people have changed (migrations 004, 005): 0 before the first change. */
export async function portfolioVersions(
  db: Kysely<DB>,
  partnerId: string,
): Promise<{ facts: string; people: string }> {
  const row = await db
    .selectFrom('portfolio_changes')
    .select(['version', 'people_version'])
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  return { facts: String(row?.version ?? 0), people: String(row?.people_version ?? 0) };
}
