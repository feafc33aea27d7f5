// A usage batch sent on its own (POST /usage, telemetry) is acknowledged once it is stored as one row of the
// partner's usage log, and folded into the month rows and projections (ph_record_usage) afterwards: when the
// partner's ingest pauses, or before anything reads or writes the partner's data, whichever comes first. Nothing
// ever reads the projections with a batch still in the log (server/ingest/usage-log.ts), so no answer misses an
// acknowledged row.
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

-- Folds the partner's log, batch by batch in the order they came, and answers how many rows it folded (0 when
-- the log is empty). One fold at a time per partner: a second waits, then finds the batches gone.
create function ph_fold_usage(p_partner uuid) returns integer
language plpgsql as $$
declare
  v_batch usage_batches;
  v_ids bigint[] := '{}';
  v_rows integer := 0;
begin
  if not exists (select 1 from usage_batches where partner_id = p_partner) then
    return 0;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('ph_fold_usage ' || p_partner::text, 0));
  for v_batch in select * from usage_batches where partner_id = p_partner order by id loop
    perform ph_record_usage(p_partner, v_batch.subscriptions, v_batch.products, v_batch.pairs, v_batch.dates,
                            v_batch.assigned, v_batch.used, v_batch.used90d);
    v_ids := v_ids || v_batch.id;
    v_rows := v_rows + cardinality(v_batch.dates);
  end loop;
  -- Only the batches folded: one committed meanwhile waits for the next fold.
  delete from usage_batches where partner_id = p_partner and id = any(v_ids);
  return v_rows;
end
$$;
`;
