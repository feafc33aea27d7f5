import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import type { StatusThresholds } from '../config';
import type { CustomerScope } from '../auth/caller';
import { todayUtc } from '../dates';
import {
  customerFacts,
  day,
  inScope,
  kpiMemberships,
  productOrder,
  statusRank,
  type PortfolioParams,
} from './queries';

// customer_day (migration 004): the customer list rows and KPI memberships of the whole partner for one day,
// computed by the same SQL as any other date and read only while the facts, the day and the thresholds are the
// ones it was computed for.

export type DayParams = PortfolioParams & { thresholds: StatusThresholds };

/** KPI name (SPEC §11) → its customer_day column. */
export const kpiColumns = {
  totalCustomers: 'total_customers',
  approachingExpiration: 'approaching_expiration',
  approachingRenewal: 'approaching_renewal',
  lowAssignment: 'low_assignment',
  exceedingLimit: 'exceeding_limit',
} as const;

// What a customer_day row holds besides its key, as the computed rows name it.
const columns = [
  'status_rank',
  'purchased',
  'assigned',
  ...Object.values(kpiColumns),
  'next_end_date',
  'last_admin_sign_in_at',
  'created_at',
  'id',
  'sort_name',
  'search_name',
  'name',
  'statuses',
  'products',
  'tags',
  'external_id',
  'country',
  'order_number',
  'order_subscription_id',
  'order_contact_email',
  'order_requested_start_date',
] as const;

/** Whether customer_day was computed for asOf, these thresholds and the partner's facts as they are. */
function customerDayIsCurrent({ scope, asOf, thresholds }: DayParams): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from customer_day_builds b
    where b.partner_id = ${scope.partnerId} and b.day = ${day(asOf)}
      and b.suspend_after_days = ${thresholds.SUSPEND_AFTER_DAYS} and b.expiring_soon_days = ${thresholds.EXPIRING_SOON_DAYS}
      and b.no_activity_days = ${thresholds.NO_ACTIVITY_DAYS}
      and b.version = coalesce((select c.version from portfolio_changes c where c.partner_id = ${scope.partnerId}), 0))`;
}

/** The scoped customers' customer_day rows, and the orders not set up yet (every reader sees those). */
export function storedCustomerDay(scope: CustomerScope): RawBuilder<unknown> {
  return sql`select d.row_key, ${sql.join(columns.map((column) => sql.ref(`d.${column}`)))}
             from customer_day d
             where d.partner_id = ${scope.partnerId} and (d.id is null or ${inScope({ scope, customer: sql`d.id` })})`;
}

/** Orders not set up yet (subscriptions pending setup without a customer) are rows of their own (SPEC §4.1). */
function unmappedOrders(scope: CustomerScope): RawBuilder<unknown> {
  const statuses = sql`array['ready_for_order_setup']::text[]`;
  return sql`
    select ${statusRank(statuses)} as status_rank,
           coalesce((select sum(l.quantity) from subscription_lines l where l.partner_id = s.partner_id and l.subscription_id = s.id), 0)::int as purchased,
           0 as assigned, false as total_customers, false as approaching_expiration, false as approaching_renewal,
           false as low_assignment, false as exceeding_limit, null::date as next_end_date,
           null::timestamptz as last_admin_sign_in_at, null::date as created_at, null::uuid as id,
           lower(coalesce(o.customer_name, s.id)) collate "C" as sort_name, coalesce(o.search_name, ' ' || lower(s.id)) as search_name,
           coalesce(o.customer_name, s.id) as name, ${statuses} as statuses,
           array(select p from unnest(${productOrder}) as p
                 where p in (select l.product from subscription_lines l where l.partner_id = s.partner_id and l.subscription_id = s.id)) as products,
           '{}'::text[] as tags, null::text as external_id, null::text as country,
           o.number as order_number, s.id as order_subscription_id, o.contact_email as order_contact_email,
           coalesce(o.requested_start_date, s.start_date) as order_requested_start_date
    from subscriptions s
    left join lateral (
      select * from orders o where o.partner_id = s.partner_id and o.subscription_id = s.id
      order by (o.type = 'new') desc, o.received_at limit 1
    ) o on true
    where s.partner_id = ${scope.partnerId} and s.customer_id is null and s.status = 'pending_setup'`;
}

/**
 * The same rows computed from the facts for any date. The KPI memberships cost as much as the rest together:
 * without `kpis` they are left unknown (null). With `customerId`, only that customer's row.
 */
function computedCustomerDay(
  params: DayParams & { kpis: boolean; customerId?: string },
): RawBuilder<unknown> {
  const kpis = Object.keys(kpiColumns) as (keyof typeof kpiColumns)[];
  const member = (kpi: keyof typeof kpiColumns) =>
    params.kpis
      ? sql`coalesce(k.${sql.ref(kpi)}, false) as ${sql.ref(kpiColumns[kpi])}`
      : sql`null::boolean as ${sql.ref(kpiColumns[kpi])}`;
  return sql`
    select ${statusRank(sql`f.statuses`)} as status_rank, f.purchased, f.assigned, ${sql.join(kpis.map(member))},
           f.next_end_date, f.last_admin_sign_in_at, f.created_at, f.id, lower(f.name) collate "C" as sort_name, f.search_name, f.name,
           f.statuses, f.products, f.tags, f.external_id, f.country, null::text as order_number,
           null::text as order_subscription_id, null::text as order_contact_email, null::date as order_requested_start_date
    from (${customerFacts(params)}) f
    ${params.kpis ? sql`left join (${kpiMemberships(params)}) k on k.customer_id = f.id` : sql``}
    ${params.customerId !== undefined ? sql`where f.id = ${params.customerId}` : sql`union all ${unmappedOrders(params.scope)}`}`;
}

/**
 * Computes customer_day for the partner at `asOf` in one snapshot and records what it was computed for. Rows that
 * come out the same are left alone. Returns false when another build of this partner's is under way or got there first.
 */
export async function buildCustomerDay(
  db: Kysely<DB>,
  params: Omit<DayParams, 'scope'> & { partnerId: string },
): Promise<boolean> {
  const { partnerId, asOf, thresholds } = params;
  const scope = { partnerId };
  const build = db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const { rows } = await sql<{ locked: boolean; version: string | null }>`
        select pg_try_advisory_xact_lock(hashtext('customer_day'), hashtext(${partnerId})) as locked,
               (select c.version from portfolio_changes c where c.partner_id = ${partnerId}) as version`.execute(
        trx,
      );
      const [state] = rows;
      if (!state?.locked) return false;
      const ref = (table: string) => (column: string) => sql.ref(`${table}.${column}`);
      // Rows that differ are updated by one join and new rows inserted: an upsert takes each row's lock and writes
      // its write-ahead record even when nothing changed (10 000 customers, embedded: a build 250 → 228 ms).
      await sql`
        with computed as materialized (
          select coalesce(c.id::text, c.order_subscription_id) as row_key, ${sql.join(columns.map(ref('c')))}
          from (${computedCustomerDay({ scope, asOf, thresholds, kpis: true })}) c
        ),
        updated as (
          update customer_day d
          set ${sql.join(columns.map((column) => sql`${sql.ref(column)} = ${ref('c')(column)}`))}
          from computed c
          where d.partner_id = ${partnerId} and d.row_key = c.row_key
            and (${sql.join(columns.map(ref('d')))}) is distinct from (${sql.join(columns.map(ref('c')))})
        )
        insert into customer_day as d (partner_id, row_key, ${sql.join(columns.map((column) => sql.ref(column)))})
        select ${partnerId}, c.row_key, ${sql.join(columns.map(ref('c')))}
        from computed c
        where not exists (select 1 from customer_day d where d.partner_id = ${partnerId} and d.row_key = c.row_key)
        -- A row another build inserted after this one's snapshot: a serialization failure, the race lost (below).
        on conflict (partner_id, row_key) do nothing`.execute(trx);
      await sql`
        delete from customer_day d
        where d.partner_id = ${partnerId}
          and not exists (select 1 from customer_portfolio c where c.partner_id = d.partner_id and c.customer_id = d.id)
          and not exists (select 1 from subscriptions s where s.partner_id = d.partner_id and s.id = d.order_subscription_id
                          and s.customer_id is null and s.status = 'pending_setup')`.execute(trx);
      await sql`
        insert into customer_day_builds as b (partner_id, day, suspend_after_days, expiring_soon_days, no_activity_days, version)
        values (${partnerId}, ${day(asOf)}, ${thresholds.SUSPEND_AFTER_DAYS}, ${thresholds.EXPIRING_SOON_DAYS},
                ${thresholds.NO_ACTIVITY_DAYS}, ${state.version ?? 0})
        on conflict (partner_id) do update
          set day = excluded.day, suspend_after_days = excluded.suspend_after_days,
              expiring_soon_days = excluded.expiring_soon_days, no_activity_days = excluded.no_activity_days,
              version = excluded.version`.execute(trx);
      return true;
    });
  // A build that committed after this one's snapshot was taken wrote rows this one can't see: it lost the race.
  return build.catch((error: unknown) => {
    if ((error as { code?: unknown }).code === '40001') return false;
    throw error;
  });
}

/**
 * Whether customer_day answers for these parameters. For today it is brought up to date first when the facts, the
 * day or the thresholds moved since it was computed; another date is answered from it only when it was computed
 * for that date, else from the facts. A change committed between this check and the read is one the read doesn't
 * see yet: its answer is still one consistent state of the facts.
 */
export async function customerDayAnswers(db: Kysely<DB>, params: DayParams): Promise<boolean> {
  const { rows } = await sql<{ current: boolean }>`select ${customerDayIsCurrent(params)} as current`.execute(
    db,
  );
  if (rows[0]?.current) return true;
  if (params.asOf !== todayUtc()) return false;
  return buildCustomerDay(db, {
    partnerId: params.scope.partnerId,
    asOf: params.asOf,
    thresholds: params.thresholds,
  });
}

/**
 * The customer list's rows: customer_day's when it answers (`stored`, from customerDayAnswers), else computed
 * from the facts (with KPI memberships when `kpis`).
 */
export function customerDay(
  params: DayParams & { stored: boolean; kpis: boolean; customerId?: string },
): RawBuilder<unknown> {
  if (!params.stored) return computedCustomerDay(params);
  const only = params.customerId !== undefined ? sql`where r.id = ${params.customerId}` : sql``;
  return sql`select r.* from (${storedCustomerDay(params.scope)}) r ${only}`;
}
