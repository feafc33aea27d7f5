import { describe, it, expect } from 'vitest';
import { importDocument } from '../contract/import';
import type { AnalyticsProduct, CustomerStatus } from '../contract/common';
import { customerStatuses } from '../contract/common';
import { generateDemoChunks, generateDemoPortfolio, type DemoDocument } from '../server/demo/generate';
import { addDays, effectiveEnd } from '../server/dates';

const asOf = new Date().toISOString().slice(0, 10);

type Subscription = DemoDocument['subscriptions'][number];

/** Latest usage row on or before a date, as SPEC §2 reads daily usage. */
function usageReader(document: DemoDocument) {
  const rows = new Map<string, DemoDocument['usage']>();
  for (const row of document.usage) {
    const key = `${row.subscriptionId}|${row.product}`;
    const list = rows.get(key) ?? [];
    list.push(row);
    rows.set(key, list);
  }
  for (const list of rows.values()) list.sort((a, b) => (a.date < b.date ? -1 : 1));
  return (subscriptionId: string, product: string, date: string) => {
    const list = rows.get(`${subscriptionId}|${product}`) ?? [];
    let latest: { assigned: number; used: number } = { assigned: 0, used: 0 };
    for (const row of list) if (row.date <= date) latest = row;
    return latest;
  };
}

const end = (s: Subscription, at: string) =>
  effectiveEnd(
    { kind: s.kind, endDate: s.endDate, autoRenew: s.autoRenew ?? false, termMonths: s.termMonths ?? 12 },
    at,
  );
const isActive = (s: Subscription, at: string) =>
  (s.status === 'active' || s.status === 'suspended') && s.startDate <= at && at <= end(s, at);
const purchased = (s: Subscription, product: string) =>
  s.lines.filter((line) => line.product === product).reduce((sum, line) => sum + line.quantity, 0);
const daysUntil = (date: string, at: string) => (Date.parse(date) - Date.parse(at)) / 86_400_000;

/** An independent reading of SPEC §4.1 with the default thresholds (30 days). */
function customerStatusesAt(document: DemoDocument, at: string): Map<string, Set<CustomerStatus>> {
  const usage = usageReader(document);
  const result = new Map(document.customers.map((customer) => [customer.id, new Set<CustomerStatus>()]));
  const lastSignIn = new Map<string, string>();
  for (const signIn of document.signIns) {
    const date = signIn.at.slice(0, 10);
    if (date <= at && date > (lastSignIn.get(signIn.customerId) ?? ''))
      lastSignIn.set(signIn.customerId, date);
  }
  const overdue = new Set(
    document.invoices
      .filter(
        (invoice) =>
          (invoice.paidAt == null || invoice.paidAt.slice(0, 10) > at) && addDays(invoice.dueDate, 30) < at,
      )
      .map((invoice) => invoice.subscriptionId),
  );
  for (const customer of document.customers) {
    const statuses = result.get(customer.id) ?? new Set();
    const subscriptions = document.subscriptions.filter((s) => s.customerId === customer.id);
    for (const s of subscriptions.filter((s) => isActive(s, at))) {
      if (s.kind === 'paid' && (s.status === 'suspended' || overdue.has(s.id))) statuses.add('suspended');
      if (s.lines.some((line) => usage(s.id, line.product, at).assigned > purchased(s, line.product)))
        statuses.add('license_overage');
      if ((s.kind === 'trial' || !s.autoRenew) && daysUntil(s.endDate, at) <= 30)
        statuses.add('expiring_soon');
      statuses.add(s.kind === 'trial' ? 'trial' : 'subscription');
    }
    if (subscriptions.some((s) => s.status === 'pending_setup')) statuses.add('ready_for_order_setup');
    if ((lastSignIn.get(customer.id) ?? '') <= addDays(at, -30) && customer.createdAt <= addDays(at, -30)) {
      statuses.add('no_recent_activity');
    }
    if (
      subscriptions.length > 0 &&
      subscriptions.every(
        (s) => s.status === 'cancelled' || (s.status !== 'pending_setup' && end(s, at) < at),
      )
    ) {
      statuses.add('expired');
    }
  }
  return result;
}

function percentile(sorted: number[], p: number): number {
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const lower = sorted[low] ?? 0;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)] ?? lower;
  return lower + (upper - lower) * (position - low);
}

/** Row counts of the SPEC §10 sections for one product. */
function analyticsRows(document: DemoDocument, product: AnalyticsProduct, at: string) {
  const usage = usageReader(document);
  const withLine = document.subscriptions.filter((s) => purchased(s, product) > 0);
  const active = withLine.filter((s) => isActive(s, at));
  const cohort = active.map((s) => ({ s, ratio: usage(s.id, product, at).assigned / purchased(s, product) }));
  const ratios = cohort.map((member) => member.ratio).sort((a, b) => a - b);
  const [p25, median] = [percentile(ratios, 0.25), percentile(ratios, 0.5)];
  return {
    recentlyAdded: withLine.filter(
      (s) =>
        s.status !== 'cancelled' &&
        s.status !== 'pending_setup' &&
        s.startDate >= addDays(at, -89) &&
        s.startDate <= at,
    ).length,
    expiring: active.filter((s) => (s.kind === 'trial' || !s.autoRenew) && daysUntil(s.endDate, at) <= 90)
      .length,
    renewing: active.filter((s) => s.kind === 'paid' && s.autoRenew && daysUntil(end(s, at), at) <= 90)
      .length,
    lowAssignment: cohort.filter(
      ({ s, ratio }) => s.startDate <= addDays(at, -30) && ratio <= p25 && ratio < median,
    ).length,
    overage: active.filter((s) => usage(s.id, product, at).assigned > purchased(s, product)).length,
  };
}

describe('demo portfolio generator', () => {
  const portfolio = generateDemoPortfolio({ customers: 300, asOf });

  it('produces documents that validate against the import schema', () => {
    expect(() => importDocument.parse(portfolio)).not.toThrow();
    for (const chunk of generateDemoChunks({ customers: 130, asOf: '2025-03-31', seed: 'chunks' }, 40)) {
      expect(() => importDocument.parse(chunk)).not.toThrow();
    }
  });

  it('gives the same portfolio for the same seed and a different one for another seed', () => {
    expect(generateDemoPortfolio({ customers: 300, asOf })).toEqual(portfolio);
    const other = generateDemoPortfolio({ customers: 300, asOf, seed: 'another partner' });
    expect(other.customers.map((c) => c.name)).not.toEqual(portfolio.customers.map((c) => c.name));
    expect(other.usage).not.toEqual(portfolio.usage);
  });

  it('cuts the same portfolio into chunks whatever the chunk size', () => {
    const chunks = [...generateDemoChunks({ customers: 300, asOf }, 37)];
    expect(chunks.length).toBeGreaterThanOrEqual(9);
    expect({
      customers: chunks.flatMap((chunk) => chunk.customers),
      subscriptions: chunks.flatMap((chunk) => chunk.subscriptions),
      usage: chunks.flatMap((chunk) => chunk.usage),
      signIns: chunks.flatMap((chunk) => chunk.signIns),
      invoices: chunks.flatMap((chunk) => chunk.invoices),
      orders: chunks.flatMap((chunk) => chunk.orders),
    }).toEqual(portfolio);
  });

  it('dates nothing after asOf except end dates and requested start dates', () => {
    const after = (date: string) => date > asOf;
    expect(portfolio.usage.filter((row) => after(row.date))).toEqual([]);
    expect(portfolio.signIns.filter((signIn) => after(signIn.at.slice(0, 10)))).toEqual([]);
    expect(
      portfolio.invoices.filter((invoice) => invoice.paidAt != null && after(invoice.paidAt.slice(0, 10))),
    ).toEqual([]);
    expect(portfolio.invoices.filter((invoice) => after(invoice.periodStart))).toEqual([]);
    expect(portfolio.customers.filter((customer) => after(customer.createdAt))).toEqual([]);
    expect(portfolio.subscriptions.filter((s) => s.status !== 'pending_setup' && after(s.startDate))).toEqual(
      [],
    );
    expect(
      portfolio.orders.filter((order) => order.type !== 'new' && after(order.requestedStartDate)),
    ).toEqual([]);
  });

  it.each([
    { seed: undefined, at: asOf },
    { seed: 'fjord', at: asOf },
    { seed: 42, at: '2025-02-28' },
  ])(
    'holds every customer status of SPEC §4.1 among 300 customers (seed $seed, asOf $at)',
    ({ seed, at }) => {
      const document =
        seed === undefined && at === asOf
          ? portfolio
          : generateDemoPortfolio({ customers: 300, asOf: at, seed });
      const counts = new Map<CustomerStatus, number>();
      for (const statuses of customerStatusesAt(document, at).values()) {
        for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
      }
      for (const status of customerStatuses) expect(counts.get(status) ?? 0, status).toBeGreaterThan(0);
      // A clear minority has had no admin sign-in lately.
      const inactive = (counts.get('no_recent_activity') ?? 0) / document.customers.length;
      expect(inactive).toBeGreaterThan(0.05);
      expect(inactive).toBeLessThan(0.2);
    },
  );

  it.each(['meetings', 'calling'] as const)('fills every analytics section of SPEC §10 for %s', (product) => {
    const rows = analyticsRows(portfolio, product, asOf);
    expect(rows.recentlyAdded).toBeGreaterThan(0);
    expect(rows.expiring).toBeGreaterThan(0);
    expect(rows.renewing).toBeGreaterThan(0);
    expect(rows.lowAssignment).toBeGreaterThan(0);
    expect(rows.overage).toBeGreaterThan(0);
  });

  it('mixes trials, pending orders, overdue unpaid invoices, overage, ended subscriptions and messaging-only customers', () => {
    const { subscriptions, orders, invoices, customers } = portfolio;
    const usage = usageReader(portfolio);
    const subscriptionIds = new Set(subscriptions.map((s) => s.id));
    const byId = new Map(subscriptions.map((s) => [s.id, s]));
    expect(subscriptions.filter((s) => s.kind === 'trial' && isActive(s, asOf)).length).toBeGreaterThan(5);
    expect(
      subscriptions.filter((s) => s.status === 'pending_setup' && s.customerId === null).length,
    ).toBeGreaterThan(0);
    expect(
      subscriptions.filter((s) => s.status === 'pending_setup' && s.customerId !== null).length,
    ).toBeGreaterThan(0);
    const unmapped = orders.filter(
      (order) => order.type === 'new' && !subscriptionIds.has(order.subscriptionId),
    );
    expect(unmapped.length).toBeGreaterThan(3);
    for (const order of unmapped)
      expect(Math.abs(daysUntil(order.requestedStartDate, asOf))).toBeLessThanOrEqual(30);
    const overdue = invoices.filter((invoice) => {
      const s = byId.get(invoice.subscriptionId);
      return (
        invoice.paidAt === null &&
        addDays(invoice.dueDate, 30) < asOf &&
        s !== undefined &&
        s.status === 'active' &&
        isActive(s, asOf)
      );
    });
    expect(overdue.length).toBeGreaterThan(0);
    expect(
      invoices.filter((invoice) => invoice.paidAt === null && invoice.dueDate >= asOf).length,
    ).toBeGreaterThan(0);
    const overage = subscriptions.filter(
      (s) =>
        isActive(s, asOf) &&
        s.lines.some((line) => usage(s.id, line.product, asOf).assigned > purchased(s, line.product)),
    );
    expect(overage.length).toBeGreaterThan(5);
    expect(subscriptions.filter((s) => s.status === 'cancelled').length).toBeGreaterThan(0);
    expect(
      subscriptions.filter((s) => s.status !== 'pending_setup' && end(s, asOf) < asOf).length,
    ).toBeGreaterThan(0);
    const messagingOnly = customers.filter((customer) => {
      const own = subscriptions.filter((s) => s.customerId === customer.id);
      return own.length > 0 && own.every((s) => s.lines.every((line) => line.product === 'messaging'));
    });
    expect(messagingOnly.length).toBeGreaterThan(0);
  });

  it('keeps usage believable and sparse: used within assigned and used90d, at most 80 rows per subscription and product', () => {
    expect(portfolio.usage.filter((row) => row.used > row.assigned || row.used90d < row.used)).toEqual([]);
    const perLine = new Map<string, number>();
    for (const row of portfolio.usage) {
      const key = `${row.subscriptionId}|${row.product}`;
      perLine.set(key, (perLine.get(key) ?? 0) + 1);
    }
    expect(Math.max(...perLine.values())).toBeLessThanOrEqual(80);
  });

  it('names customers uniquely and gives every admin a unique ASCII e-mail address', () => {
    const names = portfolio.customers.map((customer) => customer.name);
    expect(new Set(names).size).toBe(names.length);
    const emails = portfolio.customers.flatMap((customer) =>
      (customer.admins ?? []).map((admin) => admin.email),
    );
    expect(new Set(emails).size).toBe(emails.length);
    for (const email of emails) expect(email).toMatch(/^[a-z0-9.]+@[a-z0-9-]+(\.[a-z]+)+$/);
  });

  it(
    'generates 10 000 customers quickly in self-contained chunks within the batch limits',
    { timeout: 120_000 },
    () => {
      const started = performance.now();
      const chunks = [...generateDemoChunks({ customers: 10_000, asOf })];
      expect(performance.now() - started).toBeLessThan(20_000);

      const customers = new Set<string>();
      const subscriptions = new Set<string>();
      const orderedOnly = new Set<string>(); // subscriptions known only from an order so far
      const dangling: string[] = [];
      for (const chunk of chunks) {
        expect(chunk.usage.length).toBeLessThanOrEqual(50_000);
        expect(chunk.subscriptions.length).toBeLessThanOrEqual(50_000);
        for (const customer of chunk.customers) customers.add(customer.id);
        for (const s of chunk.subscriptions) {
          if (orderedOnly.has(s.id) || (s.customerId != null && !customers.has(s.customerId)))
            dangling.push(s.id);
          subscriptions.add(s.id);
        }
        for (const row of chunk.usage)
          if (!subscriptions.has(row.subscriptionId)) dangling.push(row.subscriptionId);
        for (const invoice of chunk.invoices)
          if (!subscriptions.has(invoice.subscriptionId)) dangling.push(invoice.number);
        for (const signIn of chunk.signIns)
          if (!customers.has(signIn.customerId)) dangling.push(signIn.customerId);
        for (const order of chunk.orders)
          if (!subscriptions.has(order.subscriptionId)) orderedOnly.add(order.subscriptionId);
      }
      expect(dangling).toEqual([]);
      expect(customers.size).toBe(10_000);
      // Spot-check the schema on the first and last documents (all of them take a few seconds).
      for (const chunk of [chunks[0], chunks[chunks.length - 1]])
        expect(() => importDocument.parse(chunk)).not.toThrow();
    },
  );
});
