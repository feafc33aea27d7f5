import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { ImportCounts, ParsedImportDocument } from '../../contract/import';
import { invalid, type IssueDetail } from '../http/errors';
import { addDays, addMonths } from '../dates';
import { recordAudit, type AuditActor } from '../audit/record';
import { searchableName } from '../customers/search';
import { analyzeStaleTables } from '../db/upkeep';
import * as queries from './queries';
import { foldUsage } from './usage-log';

export type IngestDeps = { db: Kysely<DB> };
type Batch = ParsedImportDocument;

const maxReportedIssues = 50;
const usageSlice = 50_000;

/** The last record with a key wins; the same record twice is one record (SPEC §11 idempotency keys). */
function lastByKey<T>(records: T[], key: (record: T) => string): T[] {
  return [...new Map(records.map((record) => [key(record), record])).values()];
}

function countsOf(batch: Batch): ImportCounts {
  return {
    customers: batch.customers.length,
    subscriptions: batch.subscriptions.length,
    usage: batch.usage.length,
    signIns: batch.signIns.length,
    invoices: batch.invoices.length,
    orders: batch.orders.length,
  };
}

/** A month-based term ends the day before the same date `months` later (2025-02-01 + 12 → 2026-01-31). */
const termEnd = (start: string, months: number) => addDays(addMonths(start, months), -1);

/**
 * Stores one batch in one transaction: all of it or none of it. References must resolve to records of the
 * same partner, in the batch or already stored; the first problems are reported with the record's path.
 * With `appendUsage` (a batch of usage alone) the usage goes to the partner's usage log, folded later
 * (server/ingest/usage-log.ts); otherwise the log is folded first and everything is stored now, in order.
 */
export async function ingestBatch(
  deps: IngestDeps,
  input: {
    partnerId: string;
    batch: Batch;
    actor: AuditActor;
    source: string;
    appendUsage?: boolean;
    /** With `appendUsage`: each batch appended to the usage log (with its rows), once appended in the transaction. */
    onUsageLogged?: (logged: queries.LoggedUsage) => void;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ImportCounts> {
  const { partnerId, batch } = input;
  const customers = lastByKey(batch.customers, (c) => c.id);
  const subscriptions = lastByKey(batch.subscriptions, (s) => s.id);
  const orders = lastByKey(batch.orders, (o) => o.number);
  const invoices = lastByKey(batch.invoices, (i) => i.number);
  // Usage keeps its duplicates: upsertUsage stores each date once, the later row winning (within a slice and across).
  const usage = batch.usage;
  const signIns = lastByKey(
    batch.signIns.map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
    (s) => `${s.customerId}\u0000${s.email}\u0000${s.at}`,
  );

  await deps.db.transaction().execute(async (trx) => {
    const issues: IssueDetail[] = [];
    const problem = (path: string, message: string) => {
      if (issues.length < maxReportedIssues) issues.push({ path, message });
    };

    // Which customers and subscriptions exist: in this batch, or stored for this partner.
    const batchCustomers = new Set(customers.map((c) => c.id));
    const customerRefs = [
      ...subscriptions.flatMap((s) => (s.customerId ? [s.customerId] : [])),
      ...signIns.map((s) => s.customerId),
    ].filter((id) => !batchCustomers.has(id));
    const storedCustomers = await queries.storedCustomerIds(trx, partnerId, [...new Set(customerRefs)]);
    const customerKnown = (id: string) => batchCustomers.has(id) || storedCustomers.has(id);

    const batchSubscriptions = new Set(subscriptions.map((s) => s.id));
    const subscriptionRefs = new Set<string>();
    for (const { subscriptionId } of [usage, invoices, orders].flat())
      if (!batchSubscriptions.has(subscriptionId)) subscriptionRefs.add(subscriptionId);
    // Referred to from this batch, neither in it nor stored: only a new order may bring one.
    const unknownSubscriptions = await queries.unknownSubscriptionIds(trx, partnerId, subscriptionRefs);
    const createdByOrders = new Set(
      orders
        .filter((o) => o.type === 'new' && unknownSubscriptions.has(o.subscriptionId))
        .map((o) => o.subscriptionId),
    );
    const subscriptionKnown = (id: string) => !unknownSubscriptions.has(id) || createdByOrders.has(id);

    batch.subscriptions.forEach((s, i) => {
      if (s.customerId && !customerKnown(s.customerId))
        problem(
          `subscriptions[${i}].customerId`,
          `refers to customer ${s.customerId}, which is neither in this batch nor stored`,
        );
    });
    batch.signIns.forEach((s, i) => {
      if (!customerKnown(s.customerId))
        problem(
          `signIns[${i}].customerId`,
          `refers to customer ${s.customerId}, which is neither in this batch nor stored`,
        );
    });
    batch.orders.forEach((o, i) => {
      if (o.type === 'new' && o.lines.length === 0 && createdByOrders.has(o.subscriptionId))
        problem(`orders[${i}].lines`, 'a new order needs at least one line');
      if (!subscriptionKnown(o.subscriptionId))
        problem(
          `orders[${i}].subscriptionId`,
          `refers to subscription ${o.subscriptionId}, which is neither in this batch nor stored`,
        );
    });
    batch.invoices.forEach((inv, i) => {
      if (!subscriptionKnown(inv.subscriptionId))
        problem(
          `invoices[${i}].subscriptionId`,
          `refers to subscription ${inv.subscriptionId}, which is neither in this batch nor stored`,
        );
    });
    batch.usage.forEach((u, i) => {
      if (!subscriptionKnown(u.subscriptionId))
        problem(
          `usage[${i}].subscriptionId`,
          `refers to subscription ${u.subscriptionId}, which is neither in this batch nor stored`,
        );
    });
    if (issues.length) {
      const first = issues[0] as IssueDetail;
      throw invalid(`The batch was rejected and nothing was stored: ${first.path} ${first.message}.`, issues);
    }

    if (!input.appendUsage) await foldUsage(trx, partnerId);
    const customerIds = await queries.upsertCustomers(
      trx,
      partnerId,
      customers.map((c) => ({
        externalId: c.id,
        name: c.name,
        searchName: searchableName(c.name),
        country: c.country,
        createdAt: c.createdAt,
        tags: [...new Set(c.tags)],
      })),
    );
    const orgId = (externalId: string) =>
      customerIds.get(externalId) ?? storedCustomers.get(externalId) ?? null;
    await queries.upsertCustomerAdmins(
      trx,
      partnerId,
      lastByKey(
        customers.flatMap((c) =>
          c.admins.map((a) => ({ orgId: orgId(c.id) as string, email: a.email, name: a.name })),
        ),
        (a) => `${a.orgId}\u0000${a.email}`,
      ),
    );
    await queries.upsertSubscriptions(
      trx,
      partnerId,
      subscriptions.map((s) => ({ ...s, customerId: s.customerId ? orgId(s.customerId) : null })),
    );

    const newOrders = await queries.upsertOrders(
      trx,
      partnerId,
      orders.map((o) => ({ ...o, searchName: searchableName(o.customerName) })),
    );
    // An order changes its subscription once, when it first arrives, and only when the batch doesn't also carry
    // that subscription's current state (then the order is history).
    for (const order of orders) {
      if (!newOrders.has(order.number) || batchSubscriptions.has(order.subscriptionId)) continue;
      if (order.type === 'new' && createdByOrders.has(order.subscriptionId)) {
        await queries.upsertSubscriptions(trx, partnerId, [
          {
            id: order.subscriptionId,
            customerId: null,
            kind: 'paid',
            status: 'pending_setup',
            startDate: order.requestedStartDate,
            endDate: termEnd(order.requestedStartDate, order.termMonths),
            autoRenew: order.autoRenew,
            termMonths: order.termMonths,
            lines: order.lines,
          },
        ]);
      } else if (order.type === 'modify') {
        await queries.upsertLines(
          trx,
          partnerId,
          order.lines.map((line) => ({ subscriptionId: order.subscriptionId, ...line })),
        );
      } else if (order.type === 'renewal') {
        await queries.extendSubscription(trx, partnerId, order.subscriptionId, order.termMonths);
      } else if (order.type === 'cancel') {
        await queries.cancelSubscription(trx, partnerId, order.subscriptionId);
      }
    }

    await queries.upsertInvoices(trx, partnerId, invoices);
    // Usage is most of a large import: stored in slices so a progress bar can follow, still in this transaction.
    for (let start = 0; start < usage.length; start += usageSlice) {
      const slice = usage.slice(start, start + usageSlice);
      if (!input.appendUsage) await queries.upsertUsage(trx, partnerId, slice);
      else {
        const logged = await queries.appendUsage(trx, partnerId, slice);
        if (logged) input.onUsageLogged?.(logged);
      }
      input.onProgress?.(Math.min(start + usageSlice, usage.length), usage.length);
    }
    await queries.insertSignIns(
      trx,
      partnerId,
      signIns.map((s) => ({ customerId: orgId(s.customerId) as string, email: s.email, at: s.at })),
    );
    await recordAudit(trx, {
      partnerId,
      actor: input.actor,
      action: 'import',
      objectType: 'batch',
      objectId: input.source,
      after: countsOf(batch),
    });
  });
  return countsOf(batch);
}

/**
 * An import document: stored as one batch (ingestBatch), then the tables it changed by much are analyzed before
 * the answer, so the reads that follow plan with statistics that know the new rows. One connection for both: a
 * session's own changes are counted when it asks (another's may be reported seconds later).
 */
export async function importBatch(
  deps: IngestDeps,
  input: Parameters<typeof ingestBatch>[1],
): Promise<ImportCounts> {
  return deps.db.connection().execute(async (db) => {
    const counts = await ingestBatch({ db }, input);
    await analyzeStaleTables(db);
    return counts;
  });
}
