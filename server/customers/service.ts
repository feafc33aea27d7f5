import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { StatusThresholds } from '../config';
import { customerScope, type PartnerCaller } from '../auth/caller';
import type {
  CustomerDetail,
  CustomerListItem,
  CustomerListQuery,
  customerListQuery,
} from '../../contract/customers';
import type { z } from 'zod';
import { notFound } from '../http/errors';
import { toCsv } from '../http/csv';
import { todayUtc } from '../dates';
import { customerDayAnswers } from '../portfolio/customer-day';
import * as queries from './queries';

export type CustomersDeps = { db: Kysely<DB>; thresholds: StatusThresholds };
type ParsedListQuery = z.output<typeof customerListQuery>;

function viewerOf(caller: PartnerCaller): queries.Viewer {
  return caller.kind === 'user' ? { userId: caller.userId, email: caller.email } : {};
}

function sortOf(sort: string): queries.CustomerSort {
  const descending = sort.startsWith('-');
  return { key: (descending ? sort.slice(1) : sort) as queries.CustomerSort['key'], descending };
}

function toListItem(row: queries.CustomerRow): CustomerListItem {
  const managedBy: CustomerListItem['managedBy'] = [];
  if (row.managed_by_me) managedBy.push('me');
  if (row.id !== null) managedBy.push('partner');
  if (row.managed_by_external) managedBy.push('external');
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    country: row.country,
    statuses: row.statuses as CustomerListItem['statuses'],
    products: row.products as CustomerListItem['products'],
    licenses: { purchased: row.purchased, assigned: row.assigned },
    nextEndDate: row.next_end_date,
    lastAdminSignInAt: row.last_admin_sign_in_at,
    tags: row.tags,
    managedBy,
    order:
      row.order_subscription_id !== null
        ? {
            number: row.order_number,
            subscriptionId: row.order_subscription_id,
            contactEmail: row.order_contact_email,
            requestedStartDate: row.order_requested_start_date ?? '',
          }
        : null,
  };
}

async function listParams(deps: CustomersDeps, caller: PartnerCaller, query: ParsedListQuery) {
  const scope = customerScope(caller);
  const asOf = query.asOf ?? todayUtc();
  return {
    scope,
    asOf,
    thresholds: deps.thresholds,
    stored: await customerDayAnswers(deps.db, { scope, asOf, thresholds: deps.thresholds }),
    viewer: viewerOf(caller),
    filters: {
      status: query.status,
      product: query.product,
      type: query.type,
      managedBy: query.managedBy,
      tag: query.tag,
      q: query.q,
      kpi: query.kpi,
    },
    sort: sortOf(query.sort),
  };
}

export async function listCustomers(
  deps: CustomersDeps,
  input: { caller: PartnerCaller; query: ParsedListQuery },
) {
  const params = await listParams(deps, input.caller, input.query);
  const rows = await queries.listCustomers(deps.db, {
    ...params,
    limit: input.query.pageSize,
    offset: (input.query.page - 1) * input.query.pageSize,
  });
  // A page past the end still knows how many rows there are.
  const total = rows[0]?.total ?? (input.query.page > 1 ? await queries.countMatching(deps.db, params) : 0);
  return { items: rows.map(toListItem), total };
}

export async function customersCsv(
  deps: CustomersDeps,
  input: { caller: PartnerCaller; query: ParsedListQuery },
) {
  const params = await listParams(deps, input.caller, input.query);
  const rows = (await queries.listCustomers(deps.db, params)).map(toListItem);
  return {
    asOf: params.asOf,
    csv: toCsv(
      [
        'id',
        'externalId',
        'name',
        'country',
        'statuses',
        'products',
        'purchased',
        'assigned',
        'nextEndDate',
        'lastAdminSignInAt',
        'tags',
        'managedBy',
        'orderNumber',
      ],
      rows.map((r) => [
        r.id,
        r.externalId,
        r.name,
        r.country,
        r.statuses.join(' '),
        r.products.join(' '),
        r.licenses.purchased,
        r.licenses.assigned,
        r.nextEndDate,
        r.lastAdminSignInAt,
        r.tags.join(' '),
        r.managedBy.join(' '),
        r.order?.number,
      ]),
    ),
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getCustomer(
  deps: CustomersDeps,
  input: { caller: PartnerCaller; id: string; asOf?: string },
): Promise<CustomerDetail> {
  if (!uuidPattern.test(input.id)) throw notFound(`Customer ${input.id}`);
  const scope = customerScope(input.caller);
  const asOf = input.asOf ?? todayUtc();
  const row = await queries.findCustomerRow(deps.db, {
    scope,
    asOf,
    stored: await customerDayAnswers(deps.db, { scope, asOf, thresholds: deps.thresholds }),
    thresholds: deps.thresholds,
    viewer: viewerOf(input.caller),
    customerId: input.id.toLowerCase(),
  });
  // Outside the caller's scope and nonexistent look the same: 404, never the name.
  if (!row || row.id === null) throw notFound(`Customer ${input.id}`);
  const customerId = row.id;
  const partnerId = scope.partnerId;
  const subscriptions = await queries.customerSubscriptions(deps.db, { scope, asOf, customerId });
  const ids = subscriptions.map((s) => s.id);
  const [invoices, orders, admins, externalAdmins, partnerAdmins] = await Promise.all([
    queries.invoicesOf(deps.db, partnerId, ids),
    queries.ordersOf(deps.db, partnerId, ids),
    queries.customerAdmins(deps.db, { partnerId, customerId, asOf }),
    queries.externalAdminsOf(deps.db, { partnerId, customerId }),
    queries.partnerAdminsOf(deps.db, { partnerId, customerId }),
  ]);
  const detailed = subscriptions.map((s) => ({
    id: s.id,
    kind: s.kind,
    status: s.status,
    active: s.active,
    startDate: s.start_date,
    endDate: s.end_date,
    effectiveEnd: s.effective_end,
    autoRenew: s.auto_renew,
    termMonths: s.term_months,
    extended: s.extended_at !== null,
    daysLeft: s.days_left,
    licenses: s.licenses.map((l) => ({
      product: l.product as CustomerDetail['products'][number],
      purchased: l.purchased,
      assigned: l.assigned,
      used: l.used,
      available: Math.max(l.purchased - l.assigned, 0),
      overage: Math.max(l.assigned - l.purchased, 0),
    })),
    invoices: invoices
      .filter((i) => i.subscription_id === s.id)
      .map((i) => ({
        number: i.number,
        amount: i.amount,
        currency: i.currency,
        periodStart: i.period_start,
        periodEnd: i.period_end,
        dueDate: i.due_date,
        paidAt: i.paid_at,
        overdue: (i.paid_at === null || i.paid_at.slice(0, 10) > asOf) && i.due_date < asOf,
      })),
    orders: orders
      .filter((o) => o.subscription_id === s.id)
      .map((o) => ({
        number: o.number,
        type: o.type,
        requestedStartDate: o.requested_start_date,
        receivedAt: o.received_at,
        lines: o.lines,
      })),
  }));
  return {
    ...toListItem(row),
    createdAt: row.created_at,
    subscriptions: detailed,
    trials: detailed.filter((s) => s.kind === 'trial' && s.active),
    admins,
    externalAdmins,
    partnerAdmins: partnerAdmins.map((p) => ({
      userId: p.user_id,
      name: p.name,
      email: p.email,
      role: p.role,
      source: p.source,
      allCustomers: p.all_customers,
    })),
  };
}

export type { CustomerListQuery };
