import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../db/schema';
import type { Product } from '../../contract/common';
import type { Order, orderSetupBody } from '../../contract/orders';
import { actorOf, customerScope, type PartnerCaller, type UserCaller } from '../auth/caller';
import { recordAudit } from '../audit/record';
import { httpError, notFound } from '../http/errors';
import { todayUtc } from '../dates';
import { searchWords } from '../customers/search';
import { addAssignments, findScopedCustomer } from '../assignments/queries';
import { createCustomer } from '../customers/create';
import { inviteCustomerAdmin } from '../console/service';
import * as queries from './queries';

export type OrdersDeps = { db: Kysely<DB> };
type Manager = UserCaller & { role: 'partner_full_admin' | 'partner_admin' };
type SetupBody = z.output<typeof orderSetupBody>;

// Words of company names too common to say two names belong together.
const commonNameWords = new Set([
  'ab',
  'ag',
  'as',
  'asa',
  'bv',
  'co',
  'corp',
  'gmbh',
  'inc',
  'llc',
  'ltd',
  'nv',
  'oy',
  'oyj',
  'plc',
  'sa',
  'sas',
  'spa',
  'the',
  'and',
  'och',
  'group',
  'company',
]);
// Mailbox providers: sharing one says nothing about belonging to the same customer.
const mailboxDomains = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
]);

function toOrder(row: queries.OrderRow): Order {
  return {
    number: row.number,
    type: row.type,
    subscriptionId: row.subscription_id,
    customerName: row.customer_name,
    contactEmail: row.contact_email,
    requestedStartDate: row.requested_start_date,
    termMonths: row.term_months,
    autoRenew: row.auto_renew,
    lines: row.lines.map((line) => ({
      product: line.product as Product,
      sku: line.sku,
      quantity: line.quantity,
    })),
    status: row.status,
    customerId: row.customer_id,
    receivedAt: row.received_at,
    setUpAt: row.set_up_at,
  };
}

export async function listOrders(
  deps: OrdersDeps,
  input: { caller: PartnerCaller; status?: 'pending_setup' | 'set_up'; page: number; pageSize: number },
) {
  const scope = customerScope(input.caller);
  const rows = await queries.listOrders(deps.db, {
    scope,
    status: input.status,
    limit: input.pageSize,
    offset: (input.page - 1) * input.pageSize,
  });
  // A page past the end still knows how many rows there are.
  const total =
    rows[0]?.total ??
    (input.page > 1 ? await queries.countOrders(deps.db, { scope, status: input.status }) : 0);
  return { items: rows.map(toOrder), total };
}

export async function getOrder(deps: OrdersDeps, input: { caller: PartnerCaller; number: string }) {
  const scope = customerScope(input.caller);
  const row = await queries.findOrder(deps.db, { scope, number: input.number });
  if (!row) throw notFound(`Order ${input.number}`);
  if (row.status !== 'pending_setup') return { ...toOrder(row), suggestions: [] };
  const domain = row.contact_email.split('@')[1] ?? null;
  const words = [...new Set(searchWords(row.customer_name))].filter(
    (word) => word.length > 1 && !commonNameWords.has(word),
  );
  const matches = await queries.suggestCustomers(deps.db, {
    scope,
    domain: domain && !mailboxDomains.has(domain) ? domain : null,
    words,
    limit: 10,
  });
  return {
    ...toOrder(row),
    suggestions: matches.map((m) => ({
      customerId: m.id,
      name: m.name,
      reason: m.by_domain ? ('email_domain' as const) : ('name' as const),
    })),
  };
}

/**
 * Set up order (SPEC §7): the subscription becomes the chosen (or a new) customer's, active from the requested
 * start date; the provisioning contact becomes a customer administrator; running trials are superseded.
 */
export async function setUpOrder(
  deps: OrdersDeps,
  input: { caller: Manager; number: string; body: SetupBody },
) {
  const { caller, body } = input;
  const partnerId = caller.partnerId;
  const scope = customerScope(caller);
  const actor = actorOf(caller);
  return deps.db.transaction().execute(async (trx) => {
    const order = await queries.findOrder(trx, { scope, number: input.number, forUpdate: true });
    if (!order) throw notFound(`Order ${input.number}`);
    if (order.status !== 'pending_setup')
      throw httpError(409, 'conflict', `Order ${order.number} is set up already.`);

    let customerId: string;
    if (body.customerId !== undefined) {
      const customer = await findScopedCustomer(trx, { scope, customerId: body.customerId });
      if (!customer) throw notFound(`Customer ${body.customerId}`);
      customerId = customer.id;
    } else {
      const fields = body.newCustomer as { name: string; country: string };
      customerId = await createCustomer(trx, {
        partnerId,
        actor,
        origin: 'order',
        customer: { name: fields.name, country: fields.country, createdAt: todayUtc() },
        audit: { order: order.number },
      });
      if (caller.role === 'partner_admin') {
        await addAssignments(trx, {
          partnerId,
          pairs: [{ userId: caller.userId, customerId }],
          source: 'provisioned',
        });
      }
    }

    const contactEmail = body.contactEmail ?? order.contact_email;
    const invited = await inviteCustomerAdmin(trx, {
      partnerId,
      orgId: customerId,
      email: contactEmail,
      role: 'customer_full_admin',
    });
    const superseded = await queries.supersedeTrials(trx, {
      partnerId,
      customerId,
      paidStart: order.requested_start_date,
    });
    const subscription = await queries.setUpSubscription(trx, {
      partnerId,
      id: order.subscription_id,
      customerId,
      startDate: order.requested_start_date,
    });
    await queries.markOrderSetUp(trx, {
      partnerId,
      number: order.number,
      by: caller.userId,
      at: new Date().toISOString(),
    });
    await recordAudit(trx, {
      partnerId,
      actor,
      action: 'order.setup',
      objectType: 'order',
      objectId: order.number,
      before: { status: order.status, customerId: order.customer_id },
      after: {
        status: 'set_up',
        customerId,
        subscriptionId: order.subscription_id,
        startDate: subscription?.start_date,
        endDate: subscription?.end_date,
        contactEmail,
        supersededTrials: superseded.map((t) => ({ id: t.id, status: t.status, endDate: t.end_date })),
      },
    });
    return { customerId, subscriptionId: order.subscription_id, invitation: invited.invitation };
  });
}
