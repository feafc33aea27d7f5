// Projections that let the customer list, the KPIs and subscription analytics (SPEC §4, §9, §10) read small
// tables at 10 000 customers instead of scanning subscriptions and daily usage. None of them holds an answer for a
// date: they hold the stored facts in a handier shape, and every question is still computed for its own asOf.
//
// - subscription_licenses: one row per subscription × product with a line or a usage row: the subscription's
//   fields, Σ quantity of its lines, and its latest usage row (any date). "Usage at d" reads that row when its
//   date is on or before d and falls back to license_usage only when it is later.
// - license_trend_changes: per partner × product × date, how Σ purchased / assigned / used over the subscriptions
//   active that day change on that date; the trend at p is the sum of the changes dated on or before p.
// - customer_portfolio: one row per customer with what its statuses, licenses and next end date are made of, as
//   functions of the date: multiranges of the days something holds, and values per piece between the dates its
//   set of active subscriptions changes (found with width_bucket). What depends on usage is kept for the latest
//   usage rows, so it answers for dates on or after the partner's latest usage date (partner_usage).
//
// They are kept current in the transaction that changes the facts: triggers on organizations, subscriptions,
// subscription_lines and admin_sign_ins, and ph_record_usage, which the ingest calls before it stores usage rows
// (it needs the rows as they were). Rebuilding them from the facts gives the same tables.
export const sql = /* sql */ `
-- These are short queries; PostgreSQL's JIT compilation (triggered by cost estimates, not run time) would add
-- 50–150 ms to each of them. Off for every later session on this database, and for this one.
do $$
begin
  execute format('alter database %I set jit = off', current_database());
exception when insufficient_privilege then
  raise notice 'jit stays as configured: % may not alter the database', current_user;
end
$$;
set jit = off;

-- SPEC §4.1 "active at d", restated without month arithmetic: an auto-renewing paid subscription's effective end
-- is never before d, so once started it stays active; any other is active through its endDate.
create function ph_active_status(status text) returns boolean
language sql immutable parallel safe as $$
  select status in ('active', 'suspended')
$$;

-- The last date a subscription in an active status is active: endDate, or never ending ('infinity').
create function ph_active_until(kind text, auto_renew boolean, end_date date, term_months integer) returns date
language sql immutable parallel safe as $$
  select case when kind = 'paid' and auto_renew and term_months >= 1 then 'infinity'::date else end_date end
$$;

-- The days a subscription in an active status is active, as a range (unbounded when it never ends).
create function ph_active_days(kind text, auto_renew boolean, start_date date, end_date date, term_months integer)
returns daterange
language sql immutable parallel safe as $$
  select daterange(start_date, nullif(ph_active_until(kind, auto_renew, end_date, term_months), 'infinity'::date), '[]')
$$;

create or replace function ph_is_active(status text, kind text, auto_renew boolean, start_date date, end_date date,
                                        term_months integer, d date) returns boolean
language sql immutable parallel safe as $$
  select ph_active_status(status) and start_date <= d and d <= ph_active_until(kind, auto_renew, end_date, term_months)
$$;

-- A quantity dated \`at\` of a subscription active from start_date through \`until\` counts in the trend from
-- the later of the two dates and stops counting the day after \`until\`; null when it never counts / never stops.
create function ph_trend_from(at date, start_date date, until date) returns date
language sql immutable parallel safe as $$
  select case when at <= until then greatest(at, start_date) end
$$;

create function ph_trend_stop(at date, until date) returns date
language sql immutable parallel safe as $$
  select case when at <= until and until < 'infinity'::date then until + 1 end
$$;

-- Rewritten in place on every usage batch: room on each page keeps those updates HOT (no index churn, and
-- reclaimable without VACUUM, which the embedded database never runs).
create table subscription_licenses (
  partner_id uuid not null,
  subscription_id text not null,
  product text not null,
  customer_id uuid,
  kind text not null,
  status text not null,
  start_date date not null,
  end_date date not null,
  auto_renew boolean not null,
  term_months integer not null,
  has_line boolean not null,
  purchased integer not null,
  usage_date date,
  assigned integer not null default 0,
  used integer not null default 0,
  used90d integer not null default 0,
  primary key (partner_id, subscription_id, product)
) with (fillfactor = 60);
create index subscription_licenses_customer on subscription_licenses (partner_id, customer_id);

create table license_trend_changes (
  partner_id uuid not null,
  product text not null,
  date date not null,
  purchased bigint not null,
  assigned bigint not null,
  used bigint not null,
  primary key (partner_id, product, date)
);

create table partner_usage (
  partner_id uuid primary key,
  latest_date date not null
);

create table customer_portfolio (
  partner_id uuid not null,
  customer_id uuid not null,
  external_id text,
  name text not null,
  search_name text not null,
  country text not null,
  created_at date not null,
  tags text[] not null,
  pending boolean not null,
  expired_from date,
  products text[] not null,
  trial_days datemultirange not null,
  paid_days datemultirange not null,
  suspended_days datemultirange not null,
  breaks date[],
  purchased integer[],
  fixed_end date[],
  expiring_end date[],
  renewal_start date[],
  renewal_end date[],
  renewal_term integer[],
  assigned integer[],
  over_days datemultirange not null,
  last_sign_in_at timestamptz,
  primary key (partner_id, customer_id)
) with (fillfactor = 90);

-- Invoices unpaid at a date are found from the payment side: few are paid after any recent date.
create index invoices_unpaid on invoices (partner_id, (coalesce(paid_at, 'infinity'::timestamptz)));

-- The trend changes of the given subscriptions in the state subscription_licenses holds for them: a subscription
-- with a line for the product, a customer and an active status counts its purchased licenses from its start, and
-- each usage row's step (its assigned and used minus the previous row's) from the row's date.
create function ph_trend_changes(p_partner uuid, p_subscriptions text[])
returns table (product text, date date, purchased bigint, assigned bigint, used bigint)
language sql stable set work_mem = '64MB' set jit = off as $$
  with pairs as (
    select l.subscription_id, l.product, l.start_date, l.purchased,
           ph_active_until(l.kind, l.auto_renew, l.end_date, l.term_months) as until
    from subscription_licenses l
    where l.partner_id = p_partner and l.subscription_id = any(p_subscriptions)
      and l.has_line and l.customer_id is not null and ph_active_status(l.status)
  ),
  quantities as (
    select p.product, p.start_date, p.until, p.start_date as at, p.purchased::bigint as purchased,
           0::bigint as assigned, 0::bigint as used
    from pairs p
    union all
    select p.product, p.start_date, p.until, u.date, 0,
           u.assigned - coalesce(lag(u.assigned) over w, 0), u.used - coalesce(lag(u.used) over w, 0)
    from pairs p
    join license_usage u on u.partner_id = p_partner and u.subscription_id = p.subscription_id and u.product = p.product
    window w as (partition by u.subscription_id, u.product order by u.date)
  )
  select q.product, c.date, c.sign * q.purchased, c.sign * q.assigned, c.sign * q.used
  from quantities q
  cross join lateral (values (ph_trend_from(q.at, q.start_date, q.until), 1),
                             (ph_trend_stop(q.at, q.until), -1)) as c(date, sign)
  where c.date is not null
$$;

create function ph_add_trend_changes(p_partner uuid, p_subscriptions text[], p_sign integer) returns void
language sql as $$
  insert into license_trend_changes as t (partner_id, product, date, purchased, assigned, used)
  select p_partner, c.product, c.date, p_sign * sum(c.purchased), p_sign * sum(c.assigned), p_sign * sum(c.used)
  from ph_trend_changes(p_partner, p_subscriptions) c
  group by c.product, c.date
  on conflict (partner_id, product, date) do update
    set purchased = t.purchased + excluded.purchased, assigned = t.assigned + excluded.assigned,
        used = t.used + excluded.used
$$;

-- Recomputes the given customers' portfolio rows from the facts. Piece k runs from breaks[k] to the day before
-- breaks[k + 1]; within it the same subscriptions are active.
-- Without table statistics (the embedded database never gathers them) the planner takes these sets for a row or
-- two and loops over them; they are whole customers' worth, so joins here hash.
create function ph_refresh_customer_portfolio(p_partner uuid, p_customers uuid[]) returns void
language sql set work_mem = '64MB' set enable_nestloop = off set jit = off as $$
  delete from customer_portfolio c
  where c.partner_id = p_partner and c.customer_id = any(p_customers)
    and not exists (select 1 from organizations o where o.partner_id = p_partner and o.id = c.customer_id and o.kind = 'customer');

  with subs as (
    -- Each subscription with Σ purchased and Σ latest assigned over its lines.
    select s.customer_id, s.id, s.kind, s.status, s.start_date, s.end_date, s.auto_renew, s.term_months,
           ph_active_status(s.status) as counts,
           ph_active_until(s.kind, s.auto_renew, s.end_date, s.term_months) as until,
           coalesce(l.purchased, 0) as purchased, coalesce(l.assigned, 0) as assigned
    from subscriptions s
    left join (
      select l.subscription_id, sum(l.purchased) as purchased, sum(l.assigned) as assigned
      from subscription_licenses l
      where l.partner_id = p_partner and l.customer_id = any(p_customers) and l.has_line
      group by l.subscription_id
    ) l on l.subscription_id = s.id
    where s.partner_id = p_partner and s.customer_id = any(p_customers)
  ),
  per_customer as (
    select s.customer_id,
           bool_or(s.status = 'pending_setup') as pending,
           -- Expired once every subscription not cancelled has ended; never while one is pending setup.
           case when not bool_or(s.status = 'pending_setup')
                then coalesce(max(s.until) filter (where s.status <> 'cancelled') + 1, '-infinity'::date) end as expired_from,
           range_agg(ph_active_days(s.kind, s.auto_renew, s.start_date, s.end_date, s.term_months))
             filter (where s.counts and s.kind = 'trial') as trial_days,
           range_agg(ph_active_days(s.kind, s.auto_renew, s.start_date, s.end_date, s.term_months))
             filter (where s.counts and s.kind = 'paid') as paid_days,
           range_agg(ph_active_days(s.kind, s.auto_renew, s.start_date, s.end_date, s.term_months))
             filter (where s.kind = 'paid' and s.status = 'suspended') as suspended_days,
           array_agg(s.start_date order by s.start_date, s.id) filter (where s.counts and s.until = 'infinity') as renewal_start,
           array_agg(s.end_date order by s.start_date, s.id) filter (where s.counts and s.until = 'infinity') as renewal_end,
           array_agg(s.term_months order by s.start_date, s.id) filter (where s.counts and s.until = 'infinity') as renewal_term
    from subs s
    group by s.customer_id
  ),
  breaks as (
    select distinct s.customer_id, b.at
    from subs s
    cross join lateral (values (s.start_date), (case when s.until < 'infinity' then s.until + 1 end)) as b(at)
    where s.counts and b.at is not null
  ),
  pieces as (
    select p.customer_id, array_agg(p.at order by p.at) as breaks, array_agg(p.purchased order by p.at) as purchased,
           array_agg(p.assigned order by p.at) as assigned, array_agg(p.fixed_end order by p.at) as fixed_end,
           array_agg(p.expiring_end order by p.at) as expiring_end
    from (
      select b.customer_id, b.at, coalesce(sum(s.purchased), 0)::int as purchased, coalesce(sum(s.assigned), 0)::int as assigned,
             min(s.end_date) filter (where s.until < 'infinity') as fixed_end,
             min(s.end_date) filter (where s.kind = 'trial' or not s.auto_renew) as expiring_end
      from breaks b
      left join subs s on s.customer_id = b.customer_id and s.counts and s.start_date <= b.at and b.at <= s.until
      group by b.customer_id, b.at
    ) p
    group by p.customer_id
  ),
  licenses as (
    -- Every product counts for overage: assigned above Σ quantity, which is 0 without a line.
    select l.customer_id,
           array_agg(distinct l.product) filter (where l.has_line and l.status <> 'cancelled') as products,
           range_agg(ph_active_days(l.kind, l.auto_renew, l.start_date, l.end_date, l.term_months))
             filter (where ph_active_status(l.status) and l.assigned > l.purchased) as over_days
    from subscription_licenses l
    where l.partner_id = p_partner and l.customer_id = any(p_customers)
    group by l.customer_id
  )
  insert into customer_portfolio as c (partner_id, customer_id, external_id, name, search_name, country, created_at, tags,
                                       pending, expired_from, products, trial_days, paid_days, suspended_days, breaks,
                                       purchased, fixed_end, expiring_end, renewal_start, renewal_end, renewal_term,
                                       assigned, over_days, last_sign_in_at)
  select o.partner_id, o.id, o.external_id, o.name, o.search_name, o.country, o.created_at, o.tags,
         coalesce(pc.pending, false), pc.expired_from,
         array(select p from unnest(array['meetings', 'calling', 'messaging', 'translation', 'contact_center', 'devices']) as p
               where p = any(coalesce(l.products, '{}'))),
         coalesce(pc.trial_days, '{}'), coalesce(pc.paid_days, '{}'), coalesce(pc.suspended_days, '{}'),
         p.breaks, p.purchased, p.fixed_end, p.expiring_end, pc.renewal_start, pc.renewal_end, pc.renewal_term,
         p.assigned, coalesce(l.over_days, '{}'),
         (select max(g.at) from admin_sign_ins g where g.partner_id = o.partner_id and g.customer_id = o.id)
  from organizations o
  left join per_customer pc on pc.customer_id = o.id
  left join pieces p on p.customer_id = o.id
  left join licenses l on l.customer_id = o.id
  where o.partner_id = p_partner and o.id = any(p_customers) and o.kind = 'customer'
  on conflict (partner_id, customer_id) do update
    set external_id = excluded.external_id, name = excluded.name, search_name = excluded.search_name,
        country = excluded.country, created_at = excluded.created_at, tags = excluded.tags, pending = excluded.pending,
        expired_from = excluded.expired_from, products = excluded.products, trial_days = excluded.trial_days,
        paid_days = excluded.paid_days, suspended_days = excluded.suspended_days, breaks = excluded.breaks,
        purchased = excluded.purchased, fixed_end = excluded.fixed_end, expiring_end = excluded.expiring_end,
        renewal_start = excluded.renewal_start, renewal_end = excluded.renewal_end,
        renewal_term = excluded.renewal_term, assigned = excluded.assigned, over_days = excluded.over_days,
        last_sign_in_at = excluded.last_sign_in_at
    where (c.external_id, c.name, c.search_name, c.country, c.created_at, c.tags, c.pending, c.expired_from, c.products,
           c.trial_days, c.paid_days, c.suspended_days, c.breaks, c.purchased, c.fixed_end, c.expiring_end,
           c.renewal_start, c.renewal_end, c.renewal_term, c.assigned, c.over_days, c.last_sign_in_at)
          is distinct from
          (excluded.external_id, excluded.name, excluded.search_name, excluded.country, excluded.created_at,
           excluded.tags, excluded.pending, excluded.expired_from, excluded.products, excluded.trial_days,
           excluded.paid_days, excluded.suspended_days, excluded.breaks, excluded.purchased, excluded.fixed_end,
           excluded.expiring_end, excluded.renewal_start, excluded.renewal_end, excluded.renewal_term,
           excluded.assigned, excluded.over_days, excluded.last_sign_in_at);
$$;

-- The part of the given customers' portfolio rows that usage changes: Σ latest assigned per piece (the pieces stay
-- as they are: usage doesn't move them) and the days some active subscription is over its purchased count.
create function ph_refresh_customer_usage(p_partner uuid, p_customers uuid[]) returns void
language sql set work_mem = '64MB' set enable_nestloop = off set jit = off as $$
  with licenses as (
    select l.customer_id, l.has_line, l.status, l.assigned, l.purchased, l.start_date,
           ph_active_until(l.kind, l.auto_renew, l.end_date, l.term_months) as until,
           ph_active_days(l.kind, l.auto_renew, l.start_date, l.end_date, l.term_months) as days
    from subscription_licenses l
    where l.partner_id = p_partner and l.customer_id = any(p_customers) and ph_active_status(l.status)
  ),
  pieces as (
    select p.customer_id, array_agg(p.assigned order by p.k) as assigned
    from (
      select c.customer_id, b.k, coalesce(sum(l.assigned) filter (where l.has_line), 0)::int as assigned
      from customer_portfolio c
      -- A join, not "= any(array)": that is a linear search per row, and the array can hold every customer.
      join unnest(p_customers) as t(customer_id) on t.customer_id = c.customer_id
      cross join lateral unnest(c.breaks) with ordinality as b(at, k)
      left join licenses l on l.customer_id = c.customer_id and l.start_date <= b.at and b.at <= l.until
      where c.partner_id = p_partner
      group by c.customer_id, b.k
    ) p
    group by p.customer_id
  ),
  over as (
    select l.customer_id, range_agg(l.days) as over_days from licenses l where l.assigned > l.purchased group by l.customer_id
  )
  update customer_portfolio c
  set assigned = p.assigned, over_days = coalesce(o.over_days, '{}')
  from pieces p
  left join over o on o.customer_id = p.customer_id
  where c.partner_id = p_partner and c.customer_id = p.customer_id
    and (c.assigned, c.over_days) is distinct from (p.assigned, coalesce(o.over_days, '{}'));
$$;

-- Recomputes the given subscriptions' rows from the facts: their contribution to the trend is taken out as it was
-- accounted and put back as it is now; then their customers' portfolio rows (and those they belonged to).
create function ph_refresh_subscription_licenses(p_partner uuid, p_subscriptions text[]) returns void
language plpgsql set jit = off as $$
declare
  v_customers uuid[];
begin
  select array_agg(distinct c.customer_id) into v_customers
  from (select l.customer_id from subscription_licenses l
        where l.partner_id = p_partner and l.subscription_id = any(p_subscriptions)
        union
        select s.customer_id from subscriptions s
        where s.partner_id = p_partner and s.id = any(p_subscriptions)) c
  where c.customer_id is not null;

  perform ph_add_trend_changes(p_partner, p_subscriptions, -1);

  delete from subscription_licenses l
  where l.partner_id = p_partner and l.subscription_id = any(p_subscriptions)
    and (not exists (select 1 from subscriptions s where s.partner_id = p_partner and s.id = l.subscription_id)
         or (not exists (select 1 from subscription_lines x
                         where x.partner_id = p_partner and x.subscription_id = l.subscription_id and x.product = l.product)
             and not exists (select 1 from license_usage u
                             where u.partner_id = p_partner and u.subscription_id = l.subscription_id and u.product = l.product)));

  insert into subscription_licenses as l (partner_id, subscription_id, product, customer_id, kind, status, start_date,
                                          end_date, auto_renew, term_months, has_line, purchased, usage_date, assigned,
                                          used, used90d)
  select s.partner_id, s.id, p.product, s.customer_id, s.kind, s.status, s.start_date, s.end_date, s.auto_renew,
         s.term_months, li.purchased is not null, coalesce(li.purchased, 0), u.date, coalesce(u.assigned, 0),
         coalesce(u.used, 0), coalesce(u.used90d, 0)
  from subscriptions s
  cross join lateral (
    select x.product from subscription_lines x where x.partner_id = s.partner_id and x.subscription_id = s.id
    union
    select u.product from license_usage u where u.partner_id = s.partner_id and u.subscription_id = s.id
  ) p
  left join lateral (
    select sum(x.quantity)::int as purchased from subscription_lines x
    where x.partner_id = s.partner_id and x.subscription_id = s.id and x.product = p.product
  ) li on true
  left join lateral (
    select u.date, u.assigned, u.used, u.used90d from license_usage u
    where u.partner_id = s.partner_id and u.subscription_id = s.id and u.product = p.product
    order by u.date desc limit 1
  ) u on true
  where s.partner_id = p_partner and s.id = any(p_subscriptions)
  on conflict (partner_id, subscription_id, product) do update
    set customer_id = excluded.customer_id, kind = excluded.kind, status = excluded.status,
        start_date = excluded.start_date, end_date = excluded.end_date, auto_renew = excluded.auto_renew,
        term_months = excluded.term_months, has_line = excluded.has_line, purchased = excluded.purchased,
        usage_date = excluded.usage_date, assigned = excluded.assigned, used = excluded.used, used90d = excluded.used90d
    where (l.customer_id, l.kind, l.status, l.start_date, l.end_date, l.auto_renew, l.term_months, l.has_line,
           l.purchased, l.usage_date, l.assigned, l.used, l.used90d)
          is distinct from
          (excluded.customer_id, excluded.kind, excluded.status, excluded.start_date, excluded.end_date,
           excluded.auto_renew, excluded.term_months, excluded.has_line, excluded.purchased, excluded.usage_date,
           excluded.assigned, excluded.used, excluded.used90d);

  perform ph_add_trend_changes(p_partner, p_subscriptions, 1);
  if v_customers is not null then
    perform ph_refresh_customer_portfolio(p_partner, v_customers);
  end if;
end
$$;

-- Usage rows about to be stored (one per subscription × product × date). Taken in date order per subscription ×
-- product, each row replaces the value it finds at its date (the batch's previous row or the stored row, whichever
-- is later) until the next stored row; that difference is what the trend gains. Then each pair's latest row, and
-- the portfolio rows of customers whose latest assigned licenses changed.
create function ph_record_usage(p_partner uuid, p_subscriptions text[], p_products text[], p_dates date[],
                                p_assigned integer[], p_used integer[], p_used90d integer[]) returns void
language plpgsql set work_mem = '64MB' set enable_nestloop = off set jit = off as $$
declare
  v_customers uuid[];
begin
  insert into subscription_licenses (partner_id, subscription_id, product, customer_id, kind, status, start_date,
                                     end_date, auto_renew, term_months, has_line, purchased)
  select s.partner_id, s.id, i.product, s.customer_id, s.kind, s.status, s.start_date, s.end_date, s.auto_renew,
         s.term_months, false, 0
  from (select distinct i.subscription_id, i.product from unnest(p_subscriptions, p_products) as i(subscription_id, product)) i
  join subscriptions s on s.partner_id = p_partner and s.id = i.subscription_id
  where not exists (select 1 from subscription_licenses l
                    where l.partner_id = p_partner and l.subscription_id = i.subscription_id and l.product = i.product);

  with input as (
    select i.*, lag(i.date) over w as batch_date, lag(i.assigned) over w as batch_assigned, lag(i.used) over w as batch_used
    from unnest(p_subscriptions, p_products, p_dates, p_assigned, p_used) as i(subscription_id, product, date, assigned, used)
    window w as (partition by i.subscription_id, i.product order by i.date)
  ),
  located as (
    select i.*, l.start_date, ph_active_until(l.kind, l.auto_renew, l.end_date, l.term_months) as until,
           case when l.usage_date <= i.date then l.usage_date else earlier.date end as stored_date,
           case when l.usage_date <= i.date then l.assigned else earlier.assigned end as stored_assigned,
           case when l.usage_date <= i.date then l.used else earlier.used end as stored_used,
           later.date as next_date
    from input i
    join subscription_licenses l on l.partner_id = p_partner and l.subscription_id = i.subscription_id and l.product = i.product
    -- Only a row dated before the latest stored one looks into license_usage.
    left join lateral (
      select u.date, u.assigned, u.used from license_usage u
      where l.usage_date > i.date
        and u.partner_id = p_partner and u.subscription_id = i.subscription_id and u.product = i.product and u.date <= i.date
      order by u.date desc limit 1
    ) earlier on true
    left join lateral (
      select u.date from license_usage u
      where l.usage_date > i.date
        and u.partner_id = p_partner and u.subscription_id = i.subscription_id and u.product = i.product and u.date > i.date
      order by u.date limit 1
    ) later on true
    where l.has_line and l.customer_id is not null and ph_active_status(l.status)
  ),
  replaced as (
    select x.product, x.start_date, x.until, x.date, x.next_date, x.assigned, x.used,
           case when x.batch_date >= x.stored_date or (x.batch_date is not null and x.stored_date is null)
                then x.batch_assigned else coalesce(x.stored_assigned, 0) end as old_assigned,
           case when x.batch_date >= x.stored_date or (x.batch_date is not null and x.stored_date is null)
                then x.batch_used else coalesce(x.stored_used, 0) end as old_used
    from located x
  ),
  quantities as (
    select r.product, r.start_date, r.until, r.date as at, r.assigned - r.old_assigned as assigned, r.used - r.old_used as used
    from replaced r
    union all
    select r.product, r.start_date, r.until, r.next_date, r.old_assigned - r.assigned, r.old_used - r.used
    from replaced r where r.next_date is not null
  )
  insert into license_trend_changes as t (partner_id, product, date, purchased, assigned, used)
  select p_partner, q.product, c.date, 0, sum(c.sign * q.assigned), sum(c.sign * q.used)
  from quantities q
  cross join lateral (values (ph_trend_from(q.at, q.start_date, q.until), 1),
                             (ph_trend_stop(q.at, q.until), -1)) as c(date, sign)
  where c.date is not null and (q.assigned <> 0 or q.used <> 0)
  group by q.product, c.date
  on conflict (partner_id, product, date) do update
    set assigned = t.assigned + excluded.assigned, used = t.used + excluded.used;

  with latest as (
    select distinct on (i.subscription_id, i.product) i.*
    from unnest(p_subscriptions, p_products, p_dates, p_assigned, p_used, p_used90d)
      as i(subscription_id, product, date, assigned, used, used90d)
    order by i.subscription_id, i.product, i.date desc
  ),
  updated as (
    update subscription_licenses l
    set usage_date = i.date, assigned = i.assigned, used = i.used, used90d = i.used90d
    from latest i
    where l.partner_id = p_partner and l.subscription_id = i.subscription_id and l.product = i.product
      and (l.usage_date is null or l.usage_date <= i.date)
      and (l.usage_date, l.assigned, l.used, l.used90d) is distinct from (i.date, i.assigned, i.used, i.used90d)
    returning l.customer_id, l.subscription_id, l.product
  )
  select array_agg(distinct u.customer_id) into v_customers
  from updated u
  join latest i on i.subscription_id = u.subscription_id and i.product = u.product
  join subscription_licenses l on l.partner_id = p_partner and l.subscription_id = u.subscription_id and l.product = u.product
  where u.customer_id is not null and l.assigned is distinct from i.assigned;

  insert into partner_usage as p (partner_id, latest_date)
  select p_partner, max(d) from unnest(p_dates) as d having max(d) is not null
  on conflict (partner_id) do update set latest_date = excluded.latest_date where p.latest_date < excluded.latest_date;

  if v_customers is not null then
    perform ph_refresh_customer_usage(p_partner, v_customers);
  end if;
end
$$;

-- Statement triggers: whatever writes customers, subscriptions or their lines (ingest, trials, order setup)
-- refreshes what it touched, once per statement.
create function ph_subscriptions_changed() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform ph_refresh_subscription_licenses(n.partner_id, array_agg(n.id)) from new_rows n group by n.partner_id;
  elsif tg_op = 'DELETE' then
    perform ph_refresh_subscription_licenses(o.partner_id, array_agg(o.id)) from old_rows o group by o.partner_id;
  else
    perform ph_refresh_subscription_licenses(c.partner_id, array_agg(c.id))
    from (
      select n.partner_id, n.id from new_rows n
      left join old_rows o on o.partner_id = n.partner_id and o.id = n.id
      where (o.customer_id, o.kind, o.status, o.start_date, o.end_date, o.auto_renew, o.term_months)
            is distinct from (n.customer_id, n.kind, n.status, n.start_date, n.end_date, n.auto_renew, n.term_months)
      union
      select o.partner_id, o.id from old_rows o
      where not exists (select 1 from new_rows n where n.partner_id = o.partner_id and n.id = o.id)
    ) c
    group by c.partner_id;
    -- A subscription that moved to another customer leaves the old one to refresh too.
    perform ph_refresh_customer_portfolio(o.partner_id, array_agg(distinct o.customer_id))
    from old_rows o join new_rows n on n.partner_id = o.partner_id and n.id = o.id
    where o.customer_id is not null and o.customer_id is distinct from n.customer_id
    group by o.partner_id;
  end if;
  return null;
end
$$;

create trigger subscriptions_inserted after insert on subscriptions
  referencing new table as new_rows for each statement execute function ph_subscriptions_changed();
create trigger subscriptions_updated after update on subscriptions
  referencing old table as old_rows new table as new_rows for each statement execute function ph_subscriptions_changed();
create trigger subscriptions_deleted after delete on subscriptions
  referencing old table as old_rows for each statement execute function ph_subscriptions_changed();

create function ph_subscription_lines_changed() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform ph_refresh_subscription_licenses(c.partner_id, array_agg(distinct c.subscription_id))
    from new_rows c group by c.partner_id;
  elsif tg_op = 'DELETE' then
    perform ph_refresh_subscription_licenses(c.partner_id, array_agg(distinct c.subscription_id))
    from old_rows c group by c.partner_id;
  else
    perform ph_refresh_subscription_licenses(c.partner_id, array_agg(distinct c.subscription_id))
    from (select partner_id, subscription_id from new_rows union select partner_id, subscription_id from old_rows) c
    group by c.partner_id;
  end if;
  return null;
end
$$;

create trigger subscription_lines_inserted after insert on subscription_lines
  referencing new table as new_rows for each statement execute function ph_subscription_lines_changed();
create trigger subscription_lines_updated after update on subscription_lines
  referencing old table as old_rows new table as new_rows for each statement execute function ph_subscription_lines_changed();
create trigger subscription_lines_deleted after delete on subscription_lines
  referencing old table as old_rows for each statement execute function ph_subscription_lines_changed();

create function ph_customers_changed() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    delete from customer_portfolio c using old_rows o where c.partner_id = o.partner_id and c.customer_id = o.id;
  else
    perform ph_refresh_customer_portfolio(n.partner_id, array_agg(n.id)) from new_rows n where n.kind = 'customer'
    group by n.partner_id;
  end if;
  return null;
end
$$;

create trigger organizations_inserted after insert on organizations
  referencing new table as new_rows for each statement execute function ph_customers_changed();
create trigger organizations_updated after update on organizations
  referencing new table as new_rows for each statement execute function ph_customers_changed();
create trigger organizations_deleted after delete on organizations
  referencing old table as old_rows for each statement execute function ph_customers_changed();

create function ph_sign_ins_added() returns trigger
language plpgsql as $$
begin
  update customer_portfolio c set last_sign_in_at = n.at
  from (select partner_id, customer_id, max(at) as at from new_rows group by partner_id, customer_id) n
  where c.partner_id = n.partner_id and c.customer_id = n.customer_id
    and (c.last_sign_in_at is null or c.last_sign_in_at < n.at);
  return null;
end
$$;

create trigger admin_sign_ins_inserted after insert on admin_sign_ins
  referencing new table as new_rows for each statement execute function ph_sign_ins_added();

-- The facts already stored.
select ph_refresh_subscription_licenses(p.partner_id, p.ids)
from (select partner_id, array_agg(id) as ids from subscriptions group by partner_id) p;
select ph_refresh_customer_portfolio(o.partner_id, array_agg(o.id))
from organizations o where o.kind = 'customer' group by o.partner_id;
insert into partner_usage (partner_id, latest_date)
select partner_id, max(date) from license_usage group by partner_id;
`;
