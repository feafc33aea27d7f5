import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import type { StatusThresholds } from '../config';
import type { CustomerScope } from '../auth/caller';
import {
  day,
  endOfDay,
  productOrder,
  purchasedLicenses,
  subscriptionsAt,
  usageAt,
  type PortfolioParams,
} from '../portfolio/queries';
import { customerDay, kpiColumns } from '../portfolio/customer-day';
import type { KpiName } from '../kpis/queries';
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

export type CustomerSort = {
  key: 'name' | 'status' | 'nextEndDate' | 'licenses' | 'lastActivity';
  descending: boolean;
};

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
  /** Whether customer_day answers (customerDayAnswers). */
  stored: boolean;
  viewer: Viewer;
  filters: CustomerFilters;
  sort: CustomerSort;
  limit?: number;
  offset?: number;
  customerId?: string;
};

function listSource(params: ListParams) {
  const { scope, viewer, filters } = params;
  // Sets, not per-row look-ups: each is one hashed subplan over this person's few rows.
  const me = viewer.userId
    ? sql`f.id in (select a.customer_id from customer_assignments a where a.partner_id = ${scope.partnerId} and a.user_id = ${viewer.userId})`
    : sql`false`;
  const external = viewer.email
    ? sql`f.id in (select e.customer_id from external_admins e where e.partner_id = ${scope.partnerId} and e.email = ${viewer.email})`
    : sql`false`;
  return sql`
    select f.*, ${me} as managed_by_me, ${external} as managed_by_external
    from (${customerDay({ ...params, kpis: filters.kpi !== undefined })}) f`;
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
  if (filters.kpi) where.push(sql.ref(`r.${kpiColumns[filters.kpi]}`));
  const q = filters.q?.trim();
  if (q) where.push(searchCondition(params.scope.partnerId, q));
  return where;
}

// Each word must start a word of the name; or the whole text is exactly an id, order number or admin e-mail.
// LIKE wildcards in the words are escaped, so search text is only ever text.
function searchCondition(partnerId: string, q: string) {
  const words = searchWords(q).map((word) => `% ${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const byName = words.length
    ? sql.join(
        words.map((pattern) => sql`r.search_name like ${pattern}`),
        sql` and `,
      )
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

// The columns the sort reads, of rows aliased `alias`.
const sortColumns = [
  'status_rank',
  'next_end_date',
  'purchased',
  'last_admin_sign_in_at',
  'sort_name',
  'id',
  'order_number',
] as const;

function orderBy(sort: CustomerSort, alias: string) {
  const column = (name: (typeof sortColumns)[number]) => sql.ref(`${alias}.${name}`);
  const direction = sql.raw(sort.descending ? 'desc' : 'asc');
  const key = {
    name: column('sort_name'),
    status: column('status_rank'),
    nextEndDate: column('next_end_date'),
    licenses: column('purchased'),
    lastActivity: column('last_admin_sign_in_at'),
  }[sort.key];
  return sql`${key} ${direction} nulls last, ${column('sort_name')} asc, ${column('id')} asc nulls last, ${column('order_number')} asc`;
}

export async function listCustomers(db: Kysely<DB>, params: ListParams): Promise<CustomerRow[]> {
  const where = filterConditions(params);
  const matching = sql`from (${listSource(params)}) r ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}`;
  const paging = params.limit !== undefined ? sql`limit ${params.limit} offset ${params.offset ?? 0}` : sql``;
  if (!params.stored) {
    const { rows } = await sql<CustomerRow>`
      select r.*, count(*) over ()::int as total ${matching} order by ${orderBy(params.sort, 'r')} ${paging}`.execute(
      db,
    );
    return rows;
  }
  // From customer_day, counting and sorting carry only the sort keys; the page's rows are read by key afterwards.
  const { rows } = await sql<CustomerRow>`
    with page as (
      select r.row_key, ${sql.join(sortColumns.map((name) => sql.ref(`r.${name}`)))}, count(*) over ()::int as total
      ${matching} order by ${orderBy(params.sort, 'r')} ${paging}
    )
    select r.*, page.total from page join (${listSource(params)}) r on r.row_key = page.row_key
    order by ${orderBy(params.sort, 'page')}`.execute(db);
  return rows;
}

export async function countMatching(db: Kysely<DB>, params: ListParams): Promise<number> {
  const where = filterConditions(params);
  const { rows } = await sql<{ total: number }>`
    select count(*)::int as total from (${listSource(params)}) r
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}`.execute(db);
  return rows[0]?.total ?? 0;
}

export async function findCustomerRow(
  db: Kysely<DB>,
  params: Omit<ListParams, 'filters' | 'sort'> & { customerId: string },
) {
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
export async function customerSubscriptions(
  db: Kysely<DB>,
  params: PortfolioParams & { customerId: string },
) {
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

export async function customerAdmins(
  db: Kysely<DB>,
  params: { partnerId: string; customerId: string; asOf: string },
) {
  const { rows } = await sql<{
    email: string;
    name: string;
    role: string | null;
    lastSignInAt: string | null;
  }>`
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
  const { rows } = await sql<{
    user_id: string;
    name: string;
    email: string;
    role: string;
    source: string | null;
    all_customers: boolean;
  }>`
    select u.id as user_id, u.display_name as name, u.email, u.role, a.source,
           u.role in ('partner_full_admin', 'partner_readonly_admin') as all_customers
    from users u
    left join customer_assignments a on a.partner_id = u.partner_id and a.user_id = u.id and a.customer_id = ${params.customerId}
    where u.partner_id = ${params.partnerId} and u.org_id = ${params.partnerId} and u.active
      and (u.role in ('partner_full_admin', 'partner_readonly_admin') or a.user_id is not null)
    order by all_customers desc, u.display_name`.execute(db);
  return rows;
}

export async function insertCustomer(
  db: Kysely<DB>,
  customer: {
    partnerId: string;
    id: string;
    externalId: string;
    name: string;
    searchName: string;
    country: string;
    createdAt: string;
  },
) {
  await db
    .insertInto('organizations')
    .values({
      partner_id: customer.partnerId,
      id: customer.id,
      kind: 'customer',
      external_id: customer.externalId,
      name: customer.name,
      search_name: customer.searchName,
      country: customer.country,
      created_at: customer.createdAt,
      tags: [],
    })
    .execute();
}
