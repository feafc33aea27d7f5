import { sql, type Kysely } from 'kysely';
import type { DB, SubscriptionsTable } from '../db/schema';
import type { CustomerScope } from '../auth/caller';
import { productOrder, scopedCustomers } from '../portfolio/queries';

export type TrialRow = Pick<SubscriptionsTable, 'id' | 'status' | 'start_date' | 'end_date'> & {
  customer_id: string;
  extended_at: string | null;
};

export async function insertTrial(
  db: Kysely<DB>,
  trial: {
    partnerId: string;
    id: string;
    customerId: string;
    startDate: string;
    endDate: string;
    lines: { product: string; sku: string; quantity: number }[];
  },
) {
  await db
    .insertInto('subscriptions')
    .values({
      partner_id: trial.partnerId,
      id: trial.id,
      customer_id: trial.customerId,
      kind: 'trial',
      status: 'active',
      start_date: trial.startDate,
      end_date: trial.endDate,
      auto_renew: false,
      term_months: 0,
    })
    .execute();
  await db
    .insertInto('subscription_lines')
    .values(trial.lines.map((line) => ({ partner_id: trial.partnerId, subscription_id: trial.id, ...line })))
    .execute();
}

/** A trial of a customer in the caller's scope; locked for the rest of the transaction when `forUpdate`. */
export async function findTrial(
  db: Kysely<DB>,
  params: { scope: CustomerScope; subscriptionId: string; forUpdate?: boolean },
) {
  const { rows } = await sql<TrialRow>`
    select s.id, s.customer_id, s.status, s.start_date, s.end_date, s.extended_at
    from subscriptions s
    join (${scopedCustomers({ scope: params.scope })}) c on c.id = s.customer_id
    where s.partner_id = ${params.scope.partnerId} and s.id = ${params.subscriptionId} and s.kind = 'trial'
    ${params.forUpdate ? sql`for update of s` : sql``}`.execute(db);
  return rows[0];
}

/** A trial of the customer that has not ended or been cancelled at `today`. */
export async function runningTrialOf(
  db: Kysely<DB>,
  params: { partnerId: string; customerId: string; today: string },
) {
  return db
    .selectFrom('subscriptions')
    .select('id')
    .where('partner_id', '=', params.partnerId)
    .where('customer_id', '=', params.customerId)
    .where('kind', '=', 'trial')
    .where('status', 'in', ['active', 'suspended'])
    .where('end_date', '>=', params.today)
    .executeTakeFirst();
}

/** Licenses per product of a trial, in the products' order. */
export async function trialProducts(db: Kysely<DB>, params: { partnerId: string; subscriptionId: string }) {
  const { rows } = await sql<{ product: string; licenses: number }>`
    select product, sum(quantity)::int as licenses from subscription_lines
    where partner_id = ${params.partnerId} and subscription_id = ${params.subscriptionId}
    group by product order by array_position(${productOrder}, product)`.execute(db);
  return rows;
}

export async function updateTrial(
  db: Kysely<DB>,
  params: {
    partnerId: string;
    id: string;
    changes: { end_date?: string; extended_at?: string; status?: 'cancelled' };
  },
) {
  await db
    .updateTable('subscriptions')
    .set({ ...params.changes, updated_at: new Date().toISOString() })
    .where('partner_id', '=', params.partnerId)
    .where('id', '=', params.id)
    .execute();
}
