import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Product } from '../../contract/common';
import type { StartTrialBody, Trial } from '../../contract/trials';
import { actorOf, customerScope, type UserCaller } from '../auth/caller';
import { recordAudit } from '../audit/record';
import { httpError, notFound } from '../http/errors';
import { addDays, daysBetween, todayUtc } from '../dates';
import { createCustomer } from '../customers/create';
import { replaceLines } from '../ingest/queries';
import { addAssignments, findScopedCustomer } from '../assignments/queries';
import { inviteCustomerAdmin } from '../console/service';
import * as queries from './queries';

export type TrialsDeps = { db: Kysely<DB> };
type Manager = UserCaller & { role: 'partner_full_admin' | 'partner_admin' };
type TrialProduct = { product: Product; licenses: number };

/** Days an extension runs from the day it is made (SPEC §4.3: new end = asOf + 30 days). */
const extensionDays = 30;

const trialSku = (product: string) => `TRIAL-${product.toUpperCase().replace(/_/g, '-')}`;
const trialLines = (products: TrialProduct[]) =>
  products.map((p) => ({ product: p.product, sku: trialSku(p.product), quantity: p.licenses }));

async function describeTrial(
  db: Kysely<DB>,
  partnerId: string,
  row: queries.TrialRow,
  today: string,
): Promise<Trial> {
  const products = await queries.trialProducts(db, { partnerId, subscriptionId: row.id });
  return {
    subscriptionId: row.id,
    customerId: row.customer_id,
    status: row.status,
    startDate: row.start_date,
    endDate: row.end_date,
    daysLeft: daysBetween(today, row.end_date),
    extended: row.extended_at !== null,
    products: products.map((p) => ({ product: p.product as Product, licenses: p.licenses })),
  };
}

/**
 * Start trial (SPEC §4.3): the customer organization (unless it exists), its administrator with an invitation,
 * and a trial subscription from today. The trial lasts `durationDays` days, today included, so a 30-day trial
 * started on the 1st ends on the 30th. A partner administrator who starts it is provisioned-assigned.
 */
export async function startTrial(deps: TrialsDeps, input: { caller: Manager; body: StartTrialBody }) {
  const { caller, body } = input;
  const partnerId = caller.partnerId;
  const actor = actorOf(caller);
  const today = todayUtc();
  return deps.db.transaction().execute(async (trx) => {
    let customerId: string;
    if (body.customerId !== undefined) {
      const customer = await findScopedCustomer(trx, {
        scope: customerScope(caller),
        customerId: body.customerId,
      });
      if (!customer) throw notFound(`Customer ${body.customerId}`);
      const running = await queries.runningTrialOf(trx, { partnerId, customerId: customer.id, today });
      if (running)
        throw httpError(
          409,
          'conflict',
          `${customer.name} has a trial running already (${running.id}); edit or extend that one.`,
        );
      customerId = customer.id;
    } else {
      customerId = await createCustomer(trx, {
        partnerId,
        actor,
        origin: 'trial',
        customer: { name: body.companyName as string, country: body.country as string, createdAt: today },
      });
    }

    const invited = await inviteCustomerAdmin(trx, {
      partnerId,
      orgId: customerId,
      email: body.adminEmail,
      name: body.adminName,
      role: 'customer_full_admin',
    });
    const subscriptionId = `Trial-${randomBytes(4).toString('hex').toUpperCase()}`;
    const endDate = addDays(today, body.durationDays - 1);
    await queries.insertTrial(trx, {
      partnerId,
      id: subscriptionId,
      customerId,
      startDate: today,
      endDate,
      lines: trialLines(body.products),
    });
    if (caller.role === 'partner_admin') {
      await addAssignments(trx, {
        partnerId,
        pairs: [{ userId: caller.userId, customerId }],
        source: 'provisioned',
      });
    }
    const trial = await describeTrial(
      trx,
      partnerId,
      {
        id: subscriptionId,
        customer_id: customerId,
        status: 'active',
        start_date: today,
        end_date: endDate,
        extended_at: null,
      },
      today,
    );
    await recordAudit(trx, {
      partnerId,
      actor,
      action: 'trial.start',
      objectType: 'trial',
      objectId: subscriptionId,
      after: { customerId, adminEmail: body.adminEmail, startDate: today, endDate, products: trial.products },
    });
    return { customerId, subscriptionId, trial, invitation: invited.invitation };
  });
}

/** Finds and locks a trial the caller may manage, runs `change` on it, and answers the trial as it is after. */
async function changeTrial(
  deps: TrialsDeps,
  input: { caller: Manager; subscriptionId: string },
  change: (context: {
    trx: Kysely<DB>;
    trial: queries.TrialRow;
    today: string;
    before: Trial;
  }) => Promise<{ action: string; after: Partial<Trial> }>,
): Promise<Trial> {
  const partnerId = input.caller.partnerId;
  const today = todayUtc();
  return deps.db.transaction().execute(async (trx) => {
    const trial = await queries.findTrial(trx, {
      scope: customerScope(input.caller),
      subscriptionId: input.subscriptionId,
      forUpdate: true,
    });
    if (!trial) throw notFound(`Trial ${input.subscriptionId}`);
    const before = await describeTrial(trx, partnerId, trial, today);
    if (trial.status === 'cancelled')
      throw httpError(409, 'conflict', `Trial ${trial.id} is cancelled and can't be changed.`);
    const { action, after } = await change({ trx, trial, today, before });
    const changed = await queries.findTrial(trx, { scope: { partnerId }, subscriptionId: trial.id });
    await recordAudit(trx, {
      partnerId,
      actor: actorOf(input.caller),
      action,
      objectType: 'trial',
      objectId: trial.id,
      before: Object.fromEntries(Object.keys(after).map((key) => [key, before[key as keyof Trial]])),
      after,
    });
    return describeTrial(trx, partnerId, changed as queries.TrialRow, today);
  });
}

/** Edit trial: the products and license counts become exactly the given ones. */
export function editTrial(
  deps: TrialsDeps,
  input: { caller: Manager; subscriptionId: string; products: TrialProduct[] },
) {
  return changeTrial(deps, input, async ({ trx, trial }) => {
    await replaceLines(trx, input.caller.partnerId, [{ id: trial.id, lines: trialLines(input.products) }]);
    await queries.updateTrial(trx, { partnerId: input.caller.partnerId, id: trial.id, changes: {} });
    return { action: 'trial.update', after: { products: input.products } };
  });
}

/** Extend: the trial then ends 30 days from today. Once per trial, and only if that makes it longer. */
export function extendTrial(deps: TrialsDeps, input: { caller: Manager; subscriptionId: string }) {
  return changeTrial(deps, input, async ({ trx, trial, today }) => {
    if (trial.extended_at !== null) {
      throw httpError(
        409,
        'conflict',
        `Trial ${trial.id} was extended on ${trial.extended_at.slice(0, 10)}; a trial can be extended only once.`,
      );
    }
    const endDate = addDays(today, extensionDays);
    if (endDate <= trial.end_date) {
      throw httpError(
        409,
        'conflict',
        `Trial ${trial.id} runs until ${trial.end_date} already, past the ${endDate} an extension would give; extend it once it has less than ${extensionDays} days left.`,
      );
    }
    await queries.updateTrial(trx, {
      partnerId: input.caller.partnerId,
      id: trial.id,
      changes: { end_date: endDate, extended_at: new Date().toISOString() },
    });
    return { action: 'trial.extend', after: { endDate, extended: true } };
  });
}

export function cancelTrial(deps: TrialsDeps, input: { caller: Manager; subscriptionId: string }) {
  return changeTrial(deps, input, async ({ trx, trial }) => {
    await queries.updateTrial(trx, {
      partnerId: input.caller.partnerId,
      id: trial.id,
      changes: { status: 'cancelled' },
    });
    return { action: 'trial.cancel', after: { status: 'cancelled' } };
  });
}
