// Folding the usage log merges its batches in the server (server/ingest/usage-log.ts) and stores them with one
// ph_record_usage call, so ph_fold_usage goes. And ph_record_usage's trend statement does per row only what
// depends on the row: the value a row replaces comes from the batch's previous row by position (p_pairs[n - 1])
// instead of a window over the batch, and each step is summed at its two dates by two grouping sets instead of
// two rows per step. Measured on PostgreSQL with 200 000 rows of telemetry: 840 ms → 375 ms. The rest is 007's.
export const sql = /* sql */ `
drop function ph_fold_usage(uuid);

-- Stores a batch of usage rows after bringing the projections up to date from the rows as they were. The rows come
-- grouped: p_pairs[n] is row n's subscription × product (an index into p_subscriptions / p_products), a pair's
-- rows are consecutive and in date order, each date once. Taken in that order, each row replaces the value it
-- finds at its date (the batch's previous row or the stored row, whichever is later) until the next stored row;
-- that difference is what the trend gains. Then each pair's latest row, the month rows (each a slice of the
-- arrays), and the portfolio rows of customers whose latest assigned licenses changed.
create or replace function ph_record_usage(p_partner uuid, p_subscriptions text[], p_products text[], p_pairs integer[],
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

  -- The trend's changes: each row's step, what it adds to its pair's assigned and used over the value it replaces,
  -- counts from the row's date (ph_trend_from) until the day after its subscription's last active day
  -- (ph_trend_stop). A row on or after its pair's latest stored one (the usual telemetry) replaces the batch's
  -- previous row of the pair (p_pairs[n - 1] is the same pair) when that is as late as the stored one, else the
  -- stored one; an earlier row replaces the month rows' value on or before its date until their next date, where
  -- the stored value is back. One pass sums each step at both dates (two grouping sets), not a row per date.
  with pairs as (
    select p.k, l.subscription_id, l.product, l.start_date, l.usage_date, l.assigned, l.used,
           ph_active_until(l.kind, l.auto_renew, l.end_date, l.term_months) as until
    from unnest(p_subscriptions, p_products) with ordinality as p(subscription_id, product, k)
    join subscription_licenses l on l.partner_id = p_partner and l.subscription_id = p.subscription_id and l.product = p.product
    where l.has_line and l.customer_id is not null and ph_active_status(l.status)
  ),
  input as materialized (
    select r.n, r.date, r.assigned, r.used, p.subscription_id, p.product, p.start_date, p.until, p.usage_date,
           p.assigned as stored_assigned, p.used as stored_used,
           case when p_pairs[r.n - 1] = r.pair then p_dates[r.n - 1] end as batch_date
    from unnest(p_pairs, p_dates, p_assigned, p_used) with ordinality as r(pair, date, assigned, used, n)
    join pairs p on p.k = r.pair
  ),
  earlier as (
    select i.*, e.date as stored_date, coalesce(e.assigned, 0) as earlier_assigned, coalesce(e.used, 0) as earlier_used,
           ph_usage_date_after(p_partner, i.subscription_id, i.product, i.date) as next_date
    from input i
    left join lateral ph_usage_at(p_partner, i.subscription_id, i.product, i.date) e on true
    where i.usage_date > i.date
  ),
  replaced as (
    select e.product, e.start_date, e.until, e.date, e.next_date, e.assigned, e.used,
           case when e.batch_date >= e.stored_date or (e.batch_date is not null and e.stored_date is null)
                then p_assigned[e.n - 1] else e.earlier_assigned end as old_assigned,
           case when e.batch_date >= e.stored_date or (e.batch_date is not null and e.stored_date is null)
                then p_used[e.n - 1] else e.earlier_used end as old_used
    from earlier e
  ),
  steps as (
    select i.product, i.start_date, i.until, i.date as at,
           i.assigned - case when i.batch_date >= i.usage_date or (i.batch_date is not null and i.usage_date is null)
                             then p_assigned[i.n - 1] else i.stored_assigned end as assigned,
           i.used - case when i.batch_date >= i.usage_date or (i.batch_date is not null and i.usage_date is null)
                         then p_used[i.n - 1] else i.stored_used end as used
    from input i
    where i.usage_date is null or i.usage_date <= i.date
    union all
    select r.product, r.start_date, r.until, r.date, r.assigned - r.old_assigned, r.used - r.old_used from replaced r
    union all
    select r.product, r.start_date, r.until, r.next_date, r.old_assigned - r.assigned, r.old_used - r.used
    from replaced r where r.next_date is not null
  ),
  sums as (
    select x.product, x.from_date, x.stop_date, sum(x.assigned) as assigned, sum(x.used) as used
    from (select s.product, ph_trend_from(s.at, s.start_date, s.until) as from_date, ph_trend_stop(s.at, s.until) as stop_date,
                 s.assigned, s.used
          from steps s
          where s.assigned <> 0 or s.used <> 0) x
    group by grouping sets ((x.product, x.from_date), (x.product, x.stop_date))
  )
  insert into license_trend_changes as t (partner_id, product, date, purchased, assigned, used)
  select p_partner, s.product, c.date, 0, sum(c.assigned), sum(c.used)
  from sums s
  cross join lateral (values (s.from_date, s.assigned, s.used), (s.stop_date, -s.assigned, -s.used)) as c(date, assigned, used)
  where c.date is not null
  group by s.product, c.date
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
