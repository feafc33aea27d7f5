// A usage batch sent on its own (POST /usage, telemetry) is acknowledged once it is stored as one row of the
// partner's usage log, and folded into the month rows and projections (ph_record_usage) afterwards: when the
// partner's ingest pauses, or before anything reads or writes the partner's data, whichever comes first. Nothing
// ever reads the projections with a batch still in the log (server/ingest/usage-log.ts), so no answer misses an
// acknowledged row. Folding the batches that arrived together at once writes each month row, latest row and
// customer row once for all of them instead of once per batch.
export const sql = /* sql */ `
create table usage_batches (
  partner_id uuid not null,
  id bigint generated always as identity,
  -- ph_record_usage's arguments: the batch's subscription × product pairs, and its rows grouped by pair
  -- (pairs[n] indexes subscriptions / products), each pair's rows consecutive, in date order, each date once.
  subscriptions text[] not null,
  products text[] not null,
  pairs integer[] not null,
  dates date[] not null,
  assigned integer[] not null,
  used integer[] not null,
  used90d integer[] not null,
  received_at timestamptz not null default now(),
  primary key (partner_id, id)
);

-- Folds every batch in the partner's log and answers how many rows it folded (0 when the log is empty). One
-- fold at a time per partner: a second waits, then finds the batches gone. Of two batches' rows for one
-- subscription × product × date, the later batch's wins.
create function ph_fold_usage(p_partner uuid) returns integer
language plpgsql set work_mem = '64MB' set enable_nestloop = off set jit = off set plan_cache_mode = force_custom_plan as $$
declare
  v_ids bigint[];
  v_subscriptions text[];
  v_products text[];
  v_pairs integer[];
  v_dates date[];
  v_assigned integer[];
  v_used integer[];
  v_used90d integer[];
begin
  if not exists (select 1 from usage_batches where partner_id = p_partner) then
    return 0;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('ph_fold_usage ' || p_partner::text, 0));
  select array_agg(id order by id) into v_ids from usage_batches where partner_id = p_partner;
  if v_ids is null then
    return 0;
  end if;

  if cardinality(v_ids) = 1 then
    -- One batch is stored already grouped as ph_record_usage takes it.
    select b.subscriptions, b.products, b.pairs, b.dates, b.assigned, b.used, b.used90d
    into v_subscriptions, v_products, v_pairs, v_dates, v_assigned, v_used, v_used90d
    from usage_batches b where b.partner_id = p_partner and b.id = v_ids[1];
  else
    with batch_pairs as (
      select b.id, p.subscription_id, p.product, p.k
      from usage_batches b
      cross join lateral unnest(b.subscriptions, b.products) with ordinality as p(subscription_id, product, k)
      where b.partner_id = p_partner and b.id = any(v_ids)
    ),
    batch_rows as (
      select b.id, r.pair, r.date, r.assigned, r.used, r.used90d
      from usage_batches b
      cross join lateral unnest(b.pairs, b.dates, b.assigned, b.used, b.used90d) as r(pair, date, assigned, used, used90d)
      where b.partner_id = p_partner and b.id = any(v_ids)
    ),
    latest as (
      -- Byte order: any grouping of the pairs will do, and it sorts fastest.
      select distinct on (p.subscription_id collate "C", p.product collate "C", r.date)
             p.subscription_id, p.product, r.date, r.assigned, r.used, r.used90d
      from batch_rows r
      join batch_pairs p on p.id = r.id and p.k = r.pair
      order by p.subscription_id collate "C", p.product collate "C", r.date, r.id desc
    ),
    numbered as (
      select l.*, dense_rank() over (order by l.subscription_id collate "C", l.product collate "C") as k,
             lag(l.date) over w is null or lag(l.subscription_id) over w <> l.subscription_id
               or lag(l.product) over w <> l.product as first
      from latest l
      window w as (order by l.subscription_id collate "C", l.product collate "C", l.date)
    )
    select array_agg(n.subscription_id order by n.k) filter (where n.first),
           array_agg(n.product order by n.k) filter (where n.first),
           array_agg(n.k::int order by n.k, n.date), array_agg(n.date order by n.k, n.date),
           array_agg(n.assigned order by n.k, n.date), array_agg(n.used order by n.k, n.date),
           array_agg(n.used90d order by n.k, n.date)
    into v_subscriptions, v_products, v_pairs, v_dates, v_assigned, v_used, v_used90d
    from numbered n;
  end if;

  delete from usage_batches where partner_id = p_partner and id = any(v_ids);
  perform ph_record_usage(p_partner, v_subscriptions, v_products, v_pairs, v_dates, v_assigned, v_used, v_used90d);
  return cardinality(v_dates);
end
$$;
`;
