import { sql, type RawBuilder } from 'kysely';
import type { StatusThresholds } from '../config';
import type { CustomerScope } from '../auth/caller';
import { customerStatuses, products } from '../../contract/common';

// The building blocks every portfolio question is made of (SPEC §4.1, §9, §10). Customer statuses, KPIs and
// analytics compose these fragments; none of them restates a rule.

export type PortfolioParams = { scope: CustomerScope; asOf: string };

/** The customers the caller may see: all of the partner's, or those provisioned by or assigned to them. */
export function scopedCustomers({ scope }: { scope: CustomerScope }): RawBuilder<unknown> {
  const assigned = scope.assignedTo
    ? sql`and exists (select 1 from customer_assignments a
                      where a.partner_id = o.partner_id and a.customer_id = o.id and a.user_id = ${scope.assignedTo})`
    : sql``;
  return sql`select o.* from organizations o where o.partner_id = ${scope.partnerId} and o.kind = 'customer' ${assigned}`;
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
    join (${scopedCustomers({ scope })}) c on c.id = s.customer_id
    where s.partner_id = ${scope.partnerId}`;
}

/**
 * A usage figure of one subscription × product at a date: the latest row on or before it, else 0 (SPEC §2).
 * `subscription` and `product` are SQL expressions of the outer query.
 */
export function usageAt(options: {
  partnerId: string;
  subscription: RawBuilder<unknown>;
  product: RawBuilder<unknown>;
  date: RawBuilder<unknown>;
  column: 'assigned' | 'used' | 'used90d';
}): RawBuilder<number> {
  return sql<number>`coalesce((select u.${sql.ref(options.column)} from license_usage u
      where u.partner_id = ${options.partnerId} and u.subscription_id = ${options.subscription}
        and u.product = ${options.product} and u.date <= ${options.date}
      order by u.date desc limit 1), 0)`;
}

/** Purchased licenses per subscription × product: Σ quantity of its lines. */
export function purchasedLicenses({ partnerId }: { partnerId: string }): RawBuilder<unknown> {
  return sql`select subscription_id, product, sum(quantity)::int as purchased
             from subscription_lines where partner_id = ${partnerId} group by subscription_id, product`;
}

/** An invoice unpaid at asOf and more than SUSPEND_AFTER_DAYS past due, for subscription `subscription`. */
function overdueInvoice(options: { partnerId: string; asOf: string; suspendAfterDays: number; subscription: RawBuilder<unknown> }) {
  return sql`exists (select 1 from invoices i
      where i.partner_id = ${options.partnerId} and i.subscription_id = ${options.subscription}
        and (i.paid_at is null or i.paid_at >= ${endOfDay(options.asOf)})
        and i.due_date + ${options.suspendAfterDays}::int < ${day(options.asOf)})`;
}

export const statusOrder = sql.raw(`array[${customerStatuses.map((s) => `'${s}'`).join(', ')}]::text[]`);
export const productOrder = sql.raw(`array[${products.map((p) => `'${p}'`).join(', ')}]::text[]`);

/**
 * One row per scoped customer with its statuses (SPEC §4.1, in the table's order), products, licenses, next end
 * date and last admin sign-in at asOf.
 */
export function customerFacts(params: PortfolioParams & { thresholds: StatusThresholds }): RawBuilder<unknown> {
  const { scope, asOf, thresholds } = params;
  const partnerId = scope.partnerId;
  return sql`
    with subs as (${subscriptionsAt(params)}),
    purchased as (${purchasedLicenses({ partnerId })}),
    -- Every product counts for overage (assigned above Σ quantity, which is 0 without a line).
    active_products as (
      select s.customer_id, s.id as subscription_id, p.product, coalesce(pu.purchased, 0) as purchased,
             pu.purchased is not null as has_line,
             ${usageAt({ partnerId, subscription: sql`s.id`, product: sql`p.product`, date: day(asOf), column: 'assigned' })} as assigned
      from subs s
      cross join unnest(${productOrder}) as p(product)
      left join purchased pu on pu.subscription_id = s.id and pu.product = p.product
      where s.active
    ),
    per_subscription as (
      select s.*,
             coalesce(ap.over, false) as over,
             s.active and s.kind = 'paid' and (s.status = 'suspended' or ${overdueInvoice({ partnerId, asOf, suspendAfterDays: thresholds.SUSPEND_AFTER_DAYS, subscription: sql`s.id` })}) as suspended,
             ap.purchased, ap.assigned
      from subs s
      left join (
        select subscription_id, bool_or(assigned > purchased) as over,
               sum(purchased) filter (where has_line)::int as purchased,
               sum(assigned) filter (where has_line)::int as assigned
        from active_products group by subscription_id
      ) ap on ap.subscription_id = s.id
    ),
    per_customer as (
      select customer_id,
             bool_or(suspended) as suspended,
             bool_or(active and over) as license_overage,
             bool_or(active and (kind = 'trial' or not auto_renew)
                     and end_date - ${day(asOf)} <= ${thresholds.EXPIRING_SOON_DAYS}::int) as expiring_soon,
             bool_or(status = 'pending_setup') as ready_for_order_setup,
             bool_or(active and kind = 'trial') as trial,
             bool_or(active and kind = 'paid') as subscription,
             bool_and(effective_end < ${day(asOf)} or status = 'cancelled') and not bool_or(status = 'pending_setup') as expired,
             min(effective_end) filter (where active) as next_end_date,
             coalesce(sum(purchased) filter (where active), 0)::int as purchased,
             coalesce(sum(assigned) filter (where active), 0)::int as assigned
      from per_subscription group by customer_id
    ),
    customer_products as (
      select s.customer_id, array_agg(distinct l.product) as products
      from subs s join subscription_lines l on l.partner_id = ${partnerId} and l.subscription_id = s.id
      where s.status <> 'cancelled'
      group by s.customer_id
    )
    select c.id, c.external_id, c.name, c.search_name, c.country, c.created_at, c.tags,
           coalesce(pc.purchased, 0) as purchased, coalesce(pc.assigned, 0) as assigned,
           pc.next_end_date,
           si.last_at as last_admin_sign_in_at,
           array(select p from unnest(${productOrder}) as p where p = any(coalesce(cp.products, '{}'))) as products,
           array_remove(array[
             case when pc.suspended then 'suspended' end,
             case when pc.license_overage then 'license_overage' end,
             case when pc.expiring_soon then 'expiring_soon' end,
             case when pc.ready_for_order_setup then 'ready_for_order_setup' end,
             case when (si.last_at is null or si.last_at < ((${day(asOf)} - ${thresholds.NO_ACTIVITY_DAYS}::int + 1)::timestamp at time zone 'UTC'))
                       and c.created_at <= ${day(asOf)} - ${thresholds.NO_ACTIVITY_DAYS}::int then 'no_recent_activity' end,
             case when pc.trial then 'trial' end,
             case when pc.subscription then 'subscription' end,
             case when pc.expired then 'expired' end
           ], null) as statuses
    from (${scopedCustomers({ scope })}) c
    left join per_customer pc on pc.customer_id = c.id
    left join customer_products cp on cp.customer_id = c.id
    left join lateral (
      select max(x.at) as last_at from (
        select g.at from admin_sign_ins g
        where g.partner_id = ${partnerId} and g.customer_id = c.id and g.at < ${endOfDay(asOf)}
        order by g.at desc limit 1) x
    ) si on true`;
}

/**
 * License facts per subscription × product for the scoped customers' subscriptions that have a line for one of
 * `products`: purchased, and assigned at asOf.
 */
export function licenseFacts(params: PortfolioParams & { products: readonly string[] }): RawBuilder<unknown> {
  const partnerId = params.scope.partnerId;
  return sql`
    select s.*, pu.product, pu.purchased,
           ${usageAt({ partnerId, subscription: sql`s.id`, product: sql`pu.product`, date: day(params.asOf), column: 'assigned' })} as assigned
    from (${subscriptionsAt(params)}) s
    join (${purchasedLicenses({ partnerId })}) pu on pu.subscription_id = s.id
    where pu.product in (${sql.join(params.products)})`;
}

/**
 * SPEC §10.5. The cohort is every subscription of the partner active at asOf with purchased > 0 for the product;
 * flagged are members at least 30 days old whose assigned/purchased is at or below the cohort's 25th percentile
 * and below its median. The cohort is always the whole partner, so a flag never depends on who is looking.
 */
export function lowAssignmentFlags(params: { partnerId: string; asOf: string; product: string }): RawBuilder<unknown> {
  return sql`
    with cohort as (
      select f.id as subscription_id, f.customer_id, f.start_date, f.assigned::float8 / f.purchased as ratio
      from (${licenseFacts({ scope: { partnerId: params.partnerId }, asOf: params.asOf, products: [params.product] })}) f
      where f.active and f.purchased > 0
    ),
    cut as (
      select percentile_cont(0.25) within group (order by ratio) as p25,
             percentile_cont(0.5) within group (order by ratio) as p50
      from cohort
    )
    select cohort.*, cut.p25, cut.p50,
           (cohort.start_date <= ${day(params.asOf)} - 30 and cohort.ratio <= cut.p25 and cohort.ratio < cut.p50) as flagged
    from cohort cross join cut`;
}
