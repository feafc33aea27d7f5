// Who may see which customers, and who administers them, changes read answers too: a partner administrator's
// assignments scope the list, KPIs and analytics; external administrators and customer administrators' e-mails
// feed "managed by" and the name search. portfolio_changes.people_version moves on with every statement that
// changes users, customer_assignments or external_admins, in the same transaction, like version does for the
// facts (migration 004). Kept apart from version so a sign-in doesn't make customer_day recompute.
export const sql = /* sql */ `
alter table portfolio_changes add column people_version bigint not null default 0;

create function ph_note_people_change(p_partner uuid) returns void
language sql as $$
  insert into portfolio_changes as c (partner_id, version, people_version) values (p_partner, 0, 1)
  on conflict (partner_id) do update set people_version = c.people_version + 1;
$$;

create function ph_note_changed_people() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform ph_note_people_change(p.partner_id) from (select distinct o.partner_id from old_rows o) p;
  else
    perform ph_note_people_change(p.partner_id) from (select distinct n.partner_id from new_rows n) p;
  end if;
  return null;
end
$$;

do $$
declare
  t text;
begin
  foreach t in array array['users', 'customer_assignments', 'external_admins'] loop
    execute format('create trigger %I after insert on %I referencing new table as new_rows
                    for each statement execute function ph_note_changed_people()', t || '_noted_insert', t);
    execute format('create trigger %I after update on %I referencing new table as new_rows
                    for each statement execute function ph_note_changed_people()', t || '_noted_update', t);
    execute format('create trigger %I after delete on %I referencing old table as old_rows
                    for each statement execute function ph_note_changed_people()', t || '_noted_delete', t);
  end loop;
end
$$;
`;
