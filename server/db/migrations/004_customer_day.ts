// The customer list and the KPIs for one day, kept as rows (SPEC §4, §9). Computing a customer's statuses at a
// date reads a dozen facts; doing it for 10 000 customers on every list request costs tens of milliseconds, so
// the answers for the partner's current day are stored once per change of the facts instead of once per request.
//
// - portfolio_changes: per partner, a version that every statement changing its facts moves on (statement
//   triggers below, and recordUsage for usage rows), in the same transaction as the change.
// - customer_day_builds: per partner, the day, status thresholds and facts version that customer_day was computed
//   for. Reads use customer_day only when all three match, checked in the same statement (one snapshot); any other
//   date, threshold or version is computed from the facts, with the same SQL that fills customer_day.
// - customer_day: the customer list's rows for that day, for the whole partner (scope is applied when reading; the
//   low-assignment cohort is partner-wide anyway): one per customer with its KPI memberships, one per order not
//   set up yet. row_key is the customer's id or the order's subscription id.
export const sql = /* sql */ `
create table portfolio_changes (
  partner_id uuid primary key,
  version bigint not null
);

create table customer_day_builds (
  partner_id uuid primary key,
  day date not null,
  suspend_after_days integer not null,
  expiring_soon_days integer not null,
  no_activity_days integer not null,
  version bigint not null
);

-- Rewritten in place when answers change: room on each page keeps those updates HOT. Fixed-width columns come
-- first, so the ones filters and sorts read are found without walking the variable-width ones.
create table customer_day (
  partner_id uuid not null,
  row_key text not null,
  status_rank integer not null,
  purchased integer not null,
  assigned integer not null,
  total_customers boolean not null,
  approaching_expiration boolean not null,
  approaching_renewal boolean not null,
  low_assignment boolean not null,
  exceeding_limit boolean not null,
  next_end_date date,
  last_admin_sign_in_at timestamptz,
  created_at date,
  id uuid,
  sort_name text collate "C" not null,
  search_name text not null,
  name text not null,
  statuses text[] not null,
  products text[] not null,
  tags text[] not null,
  external_id text,
  country text,
  order_number text,
  order_subscription_id text,
  order_contact_email text,
  order_requested_start_date date,
  primary key (partner_id, row_key)
) with (fillfactor = 70);

-- The partner's facts changed: its version moves on.
create function ph_note_change(p_partner uuid) returns void
language sql as $$
  insert into portfolio_changes as c (partner_id, version) values (p_partner, 1)
  on conflict (partner_id) do update set version = c.version + 1;
$$;

-- One trigger function for the fact tables: the partners whose rows the statement wrote.
create function ph_note_changed_rows() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform ph_note_change(p.partner_id) from (select distinct o.partner_id from old_rows o) p;
  else
    perform ph_note_change(p.partner_id) from (select distinct n.partner_id from new_rows n) p;
  end if;
  return null;
end
$$;

-- license_usage is not among them: its batches are 50 000 rows, and every write of it goes through
-- ph_record_usage first (the ingest's contract since migration 003), which notes the change instead.
do $$
declare
  t text;
begin
  foreach t in array array['organizations', 'subscriptions', 'subscription_lines', 'orders', 'invoices',
                           'admin_sign_ins'] loop
    execute format('create trigger %I after insert on %I referencing new table as new_rows
                    for each statement execute function ph_note_changed_rows()', t || '_noted_insert', t);
    execute format('create trigger %I after update on %I referencing new table as new_rows
                    for each statement execute function ph_note_changed_rows()', t || '_noted_update', t);
    execute format('create trigger %I after delete on %I referencing old table as old_rows
                    for each statement execute function ph_note_changed_rows()', t || '_noted_delete', t);
  end loop;
end
$$;
`;
