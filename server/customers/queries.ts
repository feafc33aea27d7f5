import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import type { StatusThresholds } from '../config';
import type { CustomerScope } from '../auth/caller';
import {
  customerFacts,
  day,
  endOfDay,
  productOrder,
  purchasedLicenses,
  statusOrder,
  subscriptionsAt,
  usageAt,
  type PortfolioParams,
} from '../portfolio/queries';
import { kpiCustomerIds, type KpiName } from '../kpis/queries';
import { searchWords } from './search';

export type CustomerFilters = {
  status?: string[];
  product?: string[];
  type?: ('trial' | 'paid')[];
  managedBy?: ('me' | 'partner' | 'external')[];
  tag?: string[];
  q?: string;
  kpi?: KpiName;
};

export type CustomerSort = { key: 'name' | 'status' | 'nextEndDate' | 'licenses' | 'lastActivity'; descending: boolean };

/** Who is asking: 'me' and 'external' are about this person; a token is nobody's "me". */
export type Viewer = { userId?: string; email?: string };

export type CustomerRow = {
  id: string | null;
  external_id: string | null;
  name: string;
  country: string | null;
  created_at: string | null;
  tags: string[];
  statuses: string[];
  products: string[];
  purchased: number;
  assigned: number;
  next_end_date: string | null;
  last_admin_sign_in_at: string | null;
  managed_by_me: boolean;
  managed_by_external: boolean;
  order_number: string | null;
  order_subscription_id: string | null;
  order_contact_email: string | null;
  order_requested_start_date: string | null;
  total: number;
};

type ListParams = PortfolioParams & {
  thresholds: StatusThresholds;
  viewer: Viewer;
  filters: CustomerFilters;
  sort: CustomerSort;
  limit?: number;
  offset?: number;
  customerId?: string;
};

/** Orders not set up yet (subscriptions pending setup without a customer) are rows of their own (SPEC §4.1). */
function unmappedOrders(scope: CustomerScope) {
  return sql`
    select null::uuid as id, null::text as external_id, coalesce(o.customer_name, s.id) as name,
           null::text as country, null::date as created_at, '{}'::text[] as tags,
           coalesce((select sum(l.quantity) from subscription_lines l where l.partner_id = s.partner_id and l.subscription_id = s.id), 0)::int as purchased,
           0 as assigned, null::date as next_end_date, null::timestamptz as last_admin_sign_in_at,
           array(select p from unnest(${productOrder}) as p
                 where p in (select l.product from subscription_lines l where l.partner_id = s.partner_id and l.subscription_id = s.id)) as products,
           array['ready_for_order_setup']::text[] as statuses,
           false as managed_by_me, false as managed_by_external,
           o.number as order_number, s.id as order_subscription_id, o.contact_email as order_contact_email,
           coalesce(o.requested_start_date, s.start_date) as order_requested_start_date,
           coalesce(o.search_name, ' ' || lower(s.id)) as search_name
    from subscriptions s
    left join lateral (
      select * from orders o where o.partner_id = s.partner_id and o.subscription_id = s.id
      order by (o.type = 'new') desc, o.received_at limit 1
    ) o on true
    where s.partner_id = ${scope.partnerId} and s.customer_id is null and s.status = 'pending_setup'`;
}

function listSource(params: ListParams) {
  const { scope, viewer } = params;
  const me = viewer.userId
    ? sql`exists (select 1 from customer_assignments a where a.partner_id = ${scope.partnerId} and a.customer_id = f.id and a.user_id = ${viewer.userId})`
    : sql`false`;
  const external = viewer.email
    ? sql`exists (select 1 from external_admins e where e.partner_id = ${scope.partnerId} and e.customer_id = f.id and e.email = ${viewer.email})`
    : sql`false`;
  const pending = params.customerId === undefined ? sql`union all select * from (${unmappedOrders(scope)}) u` : sql``;
  return sql`
    select f.id, f.external_id, f.name, f.country, f.created_at, f.tags, f.purchased, f.assigned, f.next_end_date,
           f.last_admin_sign_in_at, f.products, f.statuses, ${me} as managed_by_me, ${external} as managed_by_external,
           null::text as order_number, null::text as order_subscription_id, null::text as order_contact_email,
           null::date as order_requested_start_date, f.search_name
    from (${customerFacts(params)}) f
    ${params.customerId !== undefined ? sql`where f.id = ${params.customerId}` : sql``}
    ${pending}`;
}

function filterConditions(params: ListParams): RawBuilder<unknown>[] {
  const { filters } = params;
  const where: RawBuilder<unknown>[] = [];
  if (filters.status?.length) where.push(sql`r.statuses && ${filters.status}::text[]`);
  if (filters.product?.length) where.push(sql`r.products && ${filters.product}::text[]`);
  if (filters.tag?.length) where.push(sql`r.tags && ${filters.tag}::text[]`);
  if (filters.type?.length) {
    const kinds = filters.type.map((type) => (type === 'trial' ? 'trial' : 'subscription'));
    where.push(sql`r.statuses && ${kinds}::text[]`);
  }
  if (filters.managedBy?.length) {
    const any = filters.managedBy.map((facet) => {
      if (facet === 'me') return sql`r.managed_by_me`;
      if (facet === 'external') return sql`r.managed_by_external`;
      return sql`r.id is not null or r.order_number is not null or r.order_subscription_id is not null`;
    });
    where.push(sql`(${sql.join(any, sql` or `)})`);
  }
  if (filters.kpi) where.push(sql`r.id in (${kpiCustomerIds(params, filters.kpi)})`);
  const q = filters.q?.trim();
  if (q) where.push(searchCondition(params.scope.partnerId, q));
  return where;
}

// Each word must start a word of the name; or the whole text is exactly an id, order number or admin e-mail.
// LIKE wildcards in the words are escaped, so search text is only ever text.
function searchCondition(partnerId: string, q: string) {
  const words = searchWords(q).map((word) => `% ${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const byName = words.length
    ? sql.join(words.map((pattern) => sql`r.search_name like ${pattern}`), sql` and `)
    : sql`false`;
  const lowered = q.toLowerCase();
  return sql`(
    (${byName})
    or r.id::text = ${lowered} or r.external_id = ${q}
    or r.order_number = ${q} or r.order_subscription_id = ${q} or r.order_contact_email = ${lowered}
    or r.id in (select s.customer_id from subscriptions s where s.partner_id = ${partnerId} and s.id = ${q})
    or r.id in (select s.customer_id from orders o join subscriptions s on s.partner_id = o.partner_id and s.id = o.subscription_id
                where o.partner_id = ${partnerId} and o.number = ${q})
    or r.id in (select u.org_id from users u where u.partner_id = ${partnerId} and u.email = ${lowered})
  )`;
}

function orderBy(sort: CustomerSort) {
  const direction = sql.raw(sort.descending ? 'desc' : 'asc');
  const key = {
    name: sql`lower(r.name)`,
    status: sql`coalesce((select min(array_position(${statusOrder}, s)) from unnest(r.statuses) s), 99)`,
    nextEndDate: sql`r.next_end_date`,
    licenses: sql`r.purchased`,
    lastActivity: sql`r.last_admin_sign_in_at`,
  }[sort.key];
  return sql`${key} ${direction} nulls last, lower(r.name) asc, r.id asc nulls last, r.order_number asc`;
}

export async function listCustomers(db: Kysely<DB>, params: ListParams): Promise<CustomerRow[]> {
  const where = filterConditions(params);
  const { rows } = await sql<CustomerRow>`
    select r.*, count(*) over ()::int as total
    from (${listSource(params)}) r
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by ${orderBy(params.sort)}
    ${params.limit !== undefined ? sql`limit ${params.limit} offset ${params.offset ?? 0}` : sql``}`.execute(db);
  return rows;
}

export async function countMatching(db: Kysely<DB>, params: ListParams): Promise<number> {
  const where = filterConditions(params);
  const { rows } = await sql<{ total: number }>`
    select count(*)::int as total from (${listSource(params)}) r
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}`.execute(db);
  return rows[0]?.total ?? 0;
}

export async function findCustomerRow(db: Kysely<DB>, params: Omit<ListParams, 'filters' | 'sort'> & { customerId: string }) {
  const rows = await listCustomers(db, { ...params, filters: {}, sort: { key: 'name', descending: false } });
  return rows[0];
}

export async function listTags(db: Kysely<DB>, scope: CustomerScope): Promise<string[]> {
  const { rows } = await sql<{ tag: string }>`
    select distinct unnest(o.tags) as tag from organizations o
    where o.partner_id = ${scope.partnerId} and o.kind = 'customer' order by tag`.execute(db);
  return rows.map((row) => row.tag);
}

export type SubscriptionDetailRow = {
  id: string;
  kind: 'paid' | 'trial';
  status: 'pending_setup' | 'active' | 'suspended' | 'cancelled';
  active: boolean;
  start_date: string;
  end_date: string;
  effective_end: string;
  auto_renew: boolean;
  term_months: number;
  extended_at: string | null;
  days_left: number;
  licenses: { product: string; purchased: number; assigned: number; used: number }[];
};

/** A customer's subscriptions with their license figures per product at asOf. */
export async function customerSubscriptions(db: Kysely<DB>, params: PortfolioParams & { customerId: string }) {
  const partnerId = params.scope.partnerId;
  const { rows } = await sql<SubscriptionDetailRow>`
    select s.id, s.kind, s.status, s.active, s.start_date, s.end_date, s.effective_end, s.auto_renew, s.term_months,
           x.extended_at, (s.effective_end - ${day(params.asOf)})::int as days_left,
           coalesce((
             select json_agg(json_build_object(
                      'product', pu.product, 'purchased', pu.purchased,
                      'assigned', ${usageAt({ partnerId, subscription: sql`s.id`, product: sql`pu.product`, date: day(params.asOf), column: 'assigned' })},
                      'used', ${usageAt({ partnerId, subscription: sql`s.id`, product: sql`pu.product`, date: day(params.asOf), column: 'used' })})
                    order by array_position(${productOrder}, pu.product))
             from (${purchasedLicenses({ partnerId })}) pu where pu.subscription_id = s.id
           ), '[]') as licenses
    from (${subscriptionsAt(params)}) s
    join subscriptions x on x.partner_id = s.partner_id and x.id = s.id
    where s.customer_id = ${params.customerId}
    order by s.active desc, s.start_date desc, s.id`.execute(db);
  return rows;
}

export function invoicesOf(db: Kysely<DB>, partnerId: string, subscriptionIds: string[]) {
  if (!subscriptionIds.length) return Promise.resolve([]);
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('subscription_id', 'in', subscriptionIds)
    .orderBy('due_date', 'desc')
    .execute();
}

export function ordersOf(db: Kysely<DB>, partnerId: string, subscriptionIds: string[]) {
  if (!subscriptionIds.length) return Promise.resolve([]);
  return db
    .selectFrom('orders')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('subscription_id', 'in', subscriptionIds)
    .orderBy('received_at', 'desc')
    .execute();
}

export async function customerAdmins(db: Kysely<DB>, params: { partnerId: string; customerId: string; asOf: string }) {
  const { rows } = await sql<{ email: string; name: string; role: string | null; lastSignInAt: string | null }>`
    select u.email, u.display_name as name, u.role,
           (select max(g.at) from admin_sign_ins g where g.partner_id = u.partner_id and g.customer_id = u.org_id
              and g.email = u.email and g.at < ${endOfDay(params.asOf)}) as "lastSignInAt"
    from users u where u.partner_id = ${params.partnerId} and u.org_id = ${params.customerId}
    order by u.email`.execute(db);
  return rows;
}

export function externalAdminsOf(db: Kysely<DB>, params: { partnerId: string; customerId: string }) {
  return db
    .selectFrom('external_admins')
    .select(['email', 'display_name as name', 'added_at as addedAt'])
    .where('partner_id', '=', params.partnerId)
    .where('customer_id', '=', params.customerId)
    .orderBy('email')
    .execute();
}

/** Partner administrators assigned to the customer, and everyone who sees all customers anyway. */
export async function partnerAdminsOf(db: Kysely<DB>, params: { partnerId: string; customerId: string }) {
  const { rows } = await sql<{ user_id: string; name: string; email: string; role: string; source: string | null; all_customers: boolean }>`
    select u.id as user_id, u.display_name as name, u.email, u.role, a.source,
           u.role in ('partner_full_admin', 'partner_readonly_admin') as all_customers
    from users u
    left join customer_assignments a on a.partner_id = u.partner_id and a.user_id = u.id and a.customer_id = ${params.customerId}
    where u.partner_id = ${params.partnerId} and u.org_id = ${params.partnerId} and u.active
      and (u.role in ('partner_full_admin', 'partner_readonly_admin') or a.user_id is not null)
    order by all_customers desc, u.display_name`.execute(db);
  return rows;
}
