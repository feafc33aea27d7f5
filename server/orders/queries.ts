import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, OrderLine } from '../db/schema';
import type { CustomerScope } from '../auth/caller';
import { scopedCustomers } from '../portfolio/queries';

export type OrderRow = {
  number: string;
  type: 'new' | 'modify' | 'renewal' | 'cancel';
  subscription_id: string;
  customer_name: string;
  contact_email: string;
  requested_start_date: string;
  term_months: number;
  auto_renew: boolean;
  lines: OrderLine[];
  received_at: string;
  set_up_at: string | null;
  customer_id: string | null;
  status: 'pending_setup' | 'set_up';
};

/**
 * Orders the caller may see, with their setup status: pending while the subscription waits for setup. Orders
 * not mapped to a customer are everyone's to set up; the others follow their customer's scope.
 */
function visibleOrders(scope: CustomerScope): RawBuilder<OrderRow> {
  return sql<OrderRow>`
    select o.number, o.type, o.subscription_id, o.customer_name, o.contact_email, o.requested_start_date, o.term_months,
           o.auto_renew, o.lines, o.received_at, o.set_up_at, s.customer_id,
           case when s.status = 'pending_setup' and o.set_up_at is null then 'pending_setup' else 'set_up' end as status
    from orders o
    join subscriptions s on s.partner_id = o.partner_id and s.id = o.subscription_id
    where o.partner_id = ${scope.partnerId}
      and (s.customer_id is null or s.customer_id in (select c.id from (${scopedCustomers({ scope })}) c))`;
}

export async function listOrders(
  db: Kysely<DB>,
  params: { scope: CustomerScope; status?: 'pending_setup' | 'set_up'; limit: number; offset: number },
) {
  const { rows } = await sql<OrderRow & { total: number }>`
    select v.*, count(*) over ()::int as total from (${visibleOrders(params.scope)}) v
    ${params.status ? sql`where v.status = ${params.status}` : sql``}
    order by v.received_at desc, v.number
    limit ${params.limit} offset ${params.offset}`.execute(db);
  return rows;
}

export async function countOrders(
  db: Kysely<DB>,
  params: { scope: CustomerScope; status?: 'pending_setup' | 'set_up' },
) {
  const { rows } = await sql<{ total: number }>`
    select count(*)::int as total from (${visibleOrders(params.scope)}) v
    ${params.status ? sql`where v.status = ${params.status}` : sql``}`.execute(db);
  return rows[0]?.total ?? 0;
}

/** One order the caller may see; with `forUpdate` the order and its subscription stay locked. */
export async function findOrder(
  db: Kysely<DB>,
  params: { scope: CustomerScope; number: string; forUpdate?: boolean },
) {
  if (params.forUpdate) {
    // Lock the order and its subscription first, so a second setup waits here and then reads the first one's result.
    await sql`select 1 from orders o join subscriptions s on s.partner_id = o.partner_id and s.id = o.subscription_id
              where o.partner_id = ${params.scope.partnerId} and o.number = ${params.number} for update of o, s`.execute(
      db,
    );
  }
  const { rows } =
    await sql<OrderRow>`select v.* from (${visibleOrders(params.scope)}) v where v.number = ${params.number}`.execute(
      db,
    );
  return rows[0];
}

/**
 * Customers an order probably belongs to: an administrator's e-mail at the contact's domain, or whole words
 * of the name in common; best matches first.
 */
export async function suggestCustomers(
  db: Kysely<DB>,
  params: { scope: CustomerScope; domain: string | null; words: string[]; limit: number },
) {
  const domainPattern = params.domain ? `%@${params.domain.replace(/[\\%_]/g, (c) => `\\${c}`)}` : null;
  const { rows } = await sql<{ id: string; name: string; by_domain: boolean; word_hits: number }>`
    select * from (
      select c.id, c.name,
             (${domainPattern}::text is not null and exists (
               select 1 from users u where u.partner_id = c.partner_id and u.org_id = c.id and u.email like ${domainPattern}::text)) as by_domain,
             (select count(*) from unnest(${params.words}::text[]) w where c.search_name || ' ' like '% ' || w || ' %')::int as word_hits
      from (${scopedCustomers({ scope: params.scope })}) c
    ) m
    where m.by_domain or m.word_hits > 0
    order by m.by_domain desc, m.word_hits desc, lower(m.name), m.id
    limit ${params.limit}`.execute(db);
  return rows;
}

/** The subscription becomes the customer's and active from `startDate`, its term counted from there. */
export async function setUpSubscription(
  db: Kysely<DB>,
  params: { partnerId: string; id: string; customerId: string; startDate: string },
) {
  const { rows } = await sql<{ start_date: string; end_date: string; status: string }>`
    update subscriptions
    set customer_id = ${params.customerId}, status = 'active', start_date = ${params.startDate}::date,
        end_date = greatest(${params.startDate}::date, (${params.startDate}::date + make_interval(months => term_months))::date - 1),
        updated_at = now()
    where partner_id = ${params.partnerId} and id = ${params.id}
    returning start_date, end_date, status`.execute(db);
  return rows[0];
}

export async function markOrderSetUp(
  db: Kysely<DB>,
  params: { partnerId: string; number: string; by: string; at: string },
) {
  await db
    .updateTable('orders')
    .set({ set_up_at: params.at, set_up_by: params.by })
    .where('partner_id', '=', params.partnerId)
    .where('number', '=', params.number)
    .execute();
}

/**
 * An order set up for a customer supersedes its running trials (SPEC §4.3 Convert): they end the day before
 * the paid subscription starts, or are cancelled when they would not have started by then.
 */
export async function supersedeTrials(
  db: Kysely<DB>,
  params: { partnerId: string; customerId: string; paidStart: string },
) {
  const { rows } = await sql<{ id: string; status: string; end_date: string }>`
    update subscriptions
    set status = case when start_date >= ${params.paidStart}::date then 'cancelled' else status end,
        end_date = case when start_date >= ${params.paidStart}::date then end_date else ${params.paidStart}::date - 1 end,
        updated_at = now()
    where partner_id = ${params.partnerId} and customer_id = ${params.customerId} and kind = 'trial'
      and status in ('active', 'suspended') and end_date >= ${params.paidStart}::date
    returning id, status, end_date`.execute(db);
  return rows;
}
