// Daily usage stored as one row per subscription × product × calendar month instead of one per day. A day's
// telemetry for every subscription × product was a B-tree insert per row into a 1-million-row index (and a
// conflict check); now it appends to that month's row, one row write per subscription × product and batch, and
// the table holds far fewer rows (a quarter in the demo portfolio, whose usage skips days). What a day's figure
// is (SPEC §2: the latest row on or before it) is unchanged; ph_usage_at finds it: the month row holding the
// latest date on or before d, then its place in the row's ascending dates with width_bucket (a binary search).
//
// ph_record_usage now stores the rows itself, after bringing the projections up to date from the rows as they
// were: one call per batch reads the batch's arrays once.
export const sql = /* sql */ `
create table license_usage_months (
  partner_id uuid not null,
  subscription_id text not null,
  product text not null,
  -- The first day of the calendar month; dates holds that month's days with a row, ascending, each once, and
  -- assigned, used and used90d that day's figures at the same place.
  month date not null,
  dates date[] not null,
  assigned integer[] not null check (0 <= all (assigned)),
  used integer[] not null check (0 <= all (used)),
  used90d integer[] not null check (0 <= all (used90d)),
  check (cardinality(dates) >= 1 and cardinality(assigned) = cardinality(dates) and cardinality(used) = cardinality(dates)
         and cardinality(used90d) = cardinality(dates)),
  primary key (partner_id, subscription_id, product, month)
-- The current month's rows grow by a day with every batch: room on each page keeps those updates HOT.
) with (fillfactor = 70);

insert into license_usage_months (partner_id, subscription_id, product, month, dates, assigned, used, used90d)
select partner_id, subscription_id, product, date_trunc('month', date)::date, array_agg(date order by date),
       array_agg(assigned order by date), array_agg(used order by date), array_agg(used90d order by date)
from license_usage
group by partner_id, subscription_id, product, date_trunc('month', date)::date;

-- The latest usage row of a subscription × product on or before d (SPEC §2); no row when there is none. With
-- d = 'infinity', its latest row. Inlined where it is used (plain SQL, no SET clauses).
create function ph_usage_at(p_partner uuid, p_subscription text, p_product text, d date)
returns table (date date, assigned integer, used integer, used90d integer)
language sql stable parallel safe as $$
  select m.dates[m.i], m.assigned[m.i], m.used[m.i], m.used90d[m.i]
  from (select m.*, width_bucket(d, m.dates) as i
        from license_usage_months m
        where m.partner_id = p_partner and m.subscription_id = p_subscription and m.product = p_product
          and m.month <= d and m.dates[1] <= d
        order by m.month desc
        limit 1) m
$$;

-- The date of the first usage row of a subscription × product after d; null when there is none.
create function ph_usage_date_after(p_partner uuid, p_subscription text, p_product text, d date) returns date
language sql stable parallel safe as $$
  select m.dates[width_bucket(d, m.dates) + 1]
  from license_usage_months m
  where m.partner_id = p_partner and m.subscription_id = p_subscription and m.product = p_product
    and m.month >= date_trunc('month', d)::date and m.dates[cardinality(m.dates)] > d
  order by m.month
  limit 1
$$;

-- One month row's figures merged with newer ones for some of its days: the newer figure wins a day both have.
create function ph_merge_usage(old_dates date[], old_values integer[], new_dates date[], new_values integer[]) returns integer[]
language sql immutable parallel safe as $$
  select array_agg(coalesce(n.value, o.value) order by coalesce(n.date, o.date))
  from unnest(old_dates, old_values) as o(date, value)
  full join unnest(new_dates, new_values) as n(date, value) on n.date = o.date
$$;

create function ph_merge_usage_dates(old_dates date[], new_dates date[]) returns date[]
language sql immutable parallel safe as $$
  select array_agg(d order by d) from (select unnest(old_dates) union select unnest(new_dates)) as x(d)
$$;

create or replace function ph_trend_changes(p_partner uuid, p_subscriptions text[])
returns table (product text, date date, purchased bigint, assigned bigint, used bigint)
language sql stable set work_mem = '64MB' set jit = off set plan_cache_mode = force_custom_plan as $$
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
    join license_usage_months m on m.partner_id = p_partner and m.subscription_id = p.subscription_id and m.product = p.product
    cross join lateral unnest(m.dates, m.assigned, m.used) as u(date, assigned, used)
    window w as (partition by m.subscription_id, m.product order by u.date)
  )
  select q.product, c.date, c.sign * q.purchased, c.sign * q.assigned, c.sign * q.used
  from quantities q
  cross join lateral (values (ph_trend_from(q.at, q.start_date, q.until), 1),
                             (ph_trend_stop(q.at, q.until), -1)) as c(date, sign)
  where c.date is not null
$$;

create or replace function ph_refresh_subscription_licenses(p_partner uuid, p_subscriptions text[]) returns void
language plpgsql set jit = off set plan_cache_mode = force_custom_plan as $$
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
             and not exists (select 1 from license_usage_months u
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
    select u.product from license_usage_months u where u.partner_id = s.partner_id and u.subscription_id = s.id
  ) p
  left join lateral (
    select sum(x.quantity)::int as purchased from subscription_lines x
    where x.partner_id = s.partner_id and x.subscription_id = s.id and x.product = p.product
  ) li on true
  left join lateral ph_usage_at(s.partner_id, s.id, p.product, 'infinity') u on true
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

drop function ph_record_usage(uuid, text[], text[], date[], integer[], integer[], integer[]);
drop table license_usage;

-- Stores a batch of usage rows after bringing the projections up to date from the rows as they were. The rows come
-- grouped: p_pairs[n] is row n's subscription × product (an index into p_subscriptions / p_products), a pair's
-- rows are consecutive and in date order, each date once. Taken in that order, each row replaces the value it
-- finds at its date (the batch's previous row or the stored row, whichever is later) until the next stored row;
-- that difference is what the trend gains. Then each pair's latest row, the month rows (each a slice of the
-- arrays), and the portfolio rows of customers whose latest assigned licenses changed.
create function ph_record_usage(p_partner uuid, p_subscriptions text[], p_products text[], p_pairs integer[],
                                p_dates date[], p_assigned integer[], p_used integer[], p_used90d integer[]) returns void
language plpgsql set work_mem = '64MB' set enable_nestloop = off set jit = off set plan_cache_mode = force_custom_plan as $$
declare
  v_customers uuid[];
begin
  insert into subscription_licenses (partner_id, subscription_id, product, customer_id, kind, status, start_date,
                                     end_date, auto_renew, term_months, has_line, purchased)
  select s.partner_id, s.id, p.product, s.customer_id, s.kind, s.status, s.start_date, s.end_date, s.auto_renew,
         s.term_months, false, 0
  from unnest(p_subscriptions, p_products) as p(subscription_id, product)
  join subscriptions s on s.partner_id = p_partner and s.id = p.subscription_id
  where not exists (select 1 from subscription_licenses l
                    where l.partner_id = p_partner and l.subscription_id = p.subscription_id and l.product = p.product);

  with input as (
    select r.*, case when lag(r.pair) over w = r.pair then lag(r.date) over w end as batch_date,
           lag(r.assigned) over w as batch_assigned, lag(r.used) over w as batch_used
    from unnest(p_pairs, p_dates, p_assigned, p_used) with ordinality as r(pair, date, assigned, used, n)
    window w as (order by r.n)
  ),
  pairs as (
    select p.k, l.subscription_id, l.product, l.start_date, l.usage_date, l.assigned, l.used,
           ph_active_until(l.kind, l.auto_renew, l.end_date, l.term_months) as until
    from unnest(p_subscriptions, p_products) with ordinality as p(subscription_id, product, k)
    join subscription_licenses l on l.partner_id = p_partner and l.subscription_id = p.subscription_id and l.product = p.product
    where l.has_line and l.customer_id is not null and ph_active_status(l.status)
  ),
  -- The value a row replaces: for a row on or after its pair's latest stored one (the usual telemetry), that
  -- latest row; an earlier row looks it up in the month rows, and the next stored date after it.
  located as (
    select i.*, p.product, p.start_date, p.until, p.usage_date as stored_date, p.assigned as stored_assigned,
           p.used as stored_used, null::date as next_date
    from input i
    join pairs p on p.k = i.pair
    where p.usage_date is null or p.usage_date <= i.date
    union all
    select i.*, p.product, p.start_date, p.until, earlier.date, earlier.assigned, earlier.used,
           ph_usage_date_after(p_partner, p.subscription_id, p.product, i.date)
    from input i
    join pairs p on p.k = i.pair
    left join lateral ph_usage_at(p_partner, p.subscription_id, p.product, i.date) earlier on true
    where p.usage_date > i.date
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
    select p.subscription_id, p.product, p_dates[x.last] as date, p_assigned[x.last] as assigned,
           p_used[x.last] as used, p_used90d[x.last] as used90d
    from (select r.pair, max(r.n)::int as last from unnest(p_pairs) with ordinality as r(pair, n) group by r.pair) x
    join unnest(p_subscriptions, p_products) with ordinality as p(subscription_id, product, k) on p.k = x.pair
  ),
  updated as (
    update subscription_licenses l
    set usage_date = i.date, assigned = i.assigned, used = i.used, used90d = i.used90d
    from latest i
    where l.partner_id = p_partner and l.subscription_id = i.subscription_id and l.product = i.product
      and (l.usage_date is null or l.usage_date <= i.date)
      and (l.usage_date, l.assigned, l.used, l.used90d) is distinct from (i.date, i.assigned, i.used, i.used90d)
    returning l.customer_id, l.subscription_id, l.product, l.assigned
  )
  select array_agg(distinct u.customer_id) into v_customers
  from updated u
  join subscription_licenses l on l.partner_id = p_partner and l.subscription_id = u.subscription_id and l.product = u.product
  where u.customer_id is not null and l.assigned is distinct from u.assigned;

  -- A month row gains the batch's days after its last one by appending them; any other day is merged in.
  insert into license_usage_months as m (partner_id, subscription_id, product, month, dates, assigned, used, used90d)
  select p_partner, p.subscription_id, p.product, g.month, p_dates[g.first:g.last], p_assigned[g.first:g.last],
         p_used[g.first:g.last], p_used90d[g.first:g.last]
  from (select r.pair, date_trunc('month', r.date::timestamp)::date as month, min(r.n)::int as first, max(r.n)::int as last
        from unnest(p_pairs, p_dates) with ordinality as r(pair, date, n)
        group by r.pair, date_trunc('month', r.date::timestamp)::date) g
  join unnest(p_subscriptions, p_products) with ordinality as p(subscription_id, product, k) on p.k = g.pair
  on conflict (partner_id, subscription_id, product, month) do update
    set dates = case when m.dates[cardinality(m.dates)] < excluded.dates[1] then m.dates || excluded.dates
                     else ph_merge_usage_dates(m.dates, excluded.dates) end,
        assigned = case when m.dates[cardinality(m.dates)] < excluded.dates[1] then m.assigned || excluded.assigned
                        else ph_merge_usage(m.dates, m.assigned, excluded.dates, excluded.assigned) end,
        used = case when m.dates[cardinality(m.dates)] < excluded.dates[1] then m.used || excluded.used
                    else ph_merge_usage(m.dates, m.used, excluded.dates, excluded.used) end,
        used90d = case when m.dates[cardinality(m.dates)] < excluded.dates[1] then m.used90d || excluded.used90d
                       else ph_merge_usage(m.dates, m.used90d, excluded.dates, excluded.used90d) end
    -- Sending the same rows again writes nothing.
    where m.dates[cardinality(m.dates)] < excluded.dates[1]
       or m.dates <> ph_merge_usage_dates(m.dates, excluded.dates)
       or (m.assigned, m.used, m.used90d) is distinct from
          (ph_merge_usage(m.dates, m.assigned, excluded.dates, excluded.assigned),
           ph_merge_usage(m.dates, m.used, excluded.dates, excluded.used),
           ph_merge_usage(m.dates, m.used90d, excluded.dates, excluded.used90d));

  insert into partner_usage as p (partner_id, latest_date)
  select p_partner, max(d) from unnest(p_dates) as d having max(d) is not null
  on conflict (partner_id) do update set latest_date = excluded.latest_date where p.latest_date < excluded.latest_date;

  if v_customers is not null then
    perform ph_refresh_customer_usage(p_partner, v_customers);
  end if;
end
$$;
`;
