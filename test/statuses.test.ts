import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type TestPartner, type TestServer } from './support/server';
import { asOf, combine, customerWith, daysFromAsOf } from './support/documents';

type Item = {
  id: string | null;
  externalId: string | null;
  statuses: string[];
  nextEndDate: string | null;
  products: string[];
};

describe.each(databaseTargets)('customer statuses at their boundaries (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;
  const statusesOf = new Map<string, Item>();

  // One portfolio, each customer built to sit on one side of one boundary of SPEC §4.1.
  const cases = {
    trialEnds29: customerWith({
      subscriptions: [
        { kind: 'trial', termMonths: 0, startDate: daysFromAsOf(-10), endDate: daysFromAsOf(29) },
      ],
    }),
    trialEnds30: customerWith({
      subscriptions: [
        { kind: 'trial', termMonths: 0, startDate: daysFromAsOf(-10), endDate: daysFromAsOf(30) },
      ],
    }),
    trialEnds31: customerWith({
      subscriptions: [
        { kind: 'trial', termMonths: 0, startDate: daysFromAsOf(-10), endDate: daysFromAsOf(31) },
      ],
    }),
    endsToday: customerWith({ subscriptions: [{ endDate: asOf }] }),
    endedYesterday: customerWith({ subscriptions: [{ endDate: daysFromAsOf(-1) }] }),
    autoRenewing: customerWith({
      subscriptions: [{ autoRenew: true, termMonths: 1, startDate: '2025-12-01', endDate: '2026-01-31' }],
    }),
    signedIn29DaysAgo: customerWith({ signIns: [`${daysFromAsOf(-29)}T00:00:00Z`] }),
    signedIn30DaysAgo: customerWith({ signIns: [`${daysFromAsOf(-30)}T23:59:59Z`] }),
    signedInOnlyAfterAsOf: customerWith({ signIns: [`${daysFromAsOf(1)}T08:00:00Z`] }),
    createdExactly30DaysAgo: customerWith({ signIns: [], createdAt: daysFromAsOf(-30) }),
    created29DaysAgo: customerWith({ signIns: [], createdAt: daysFromAsOf(-29) }),
    invoice30DaysOverdue: customerWith({ invoices: [{ dueDate: daysFromAsOf(-30), paidAt: null }] }),
    invoice31DaysOverdue: customerWith({ invoices: [{ dueDate: daysFromAsOf(-31), paidAt: null }] }),
    invoicePaidAfterAsOf: customerWith({
      invoices: [{ dueDate: daysFromAsOf(-60), paidAt: `${daysFromAsOf(1)}T10:00:00Z` }],
    }),
    invoicePaidOnAsOf: customerWith({
      invoices: [{ dueDate: daysFromAsOf(-60), paidAt: `${asOf}T23:00:00Z` }],
    }),
    statusSuspended: customerWith({ subscriptions: [{ status: 'suspended' }] }),
    assignedAbovePurchased: customerWith({ usage: [{ date: daysFromAsOf(-3), assigned: 51 }] }),
    assignedEqualsPurchased: customerWith({
      usage: [
        { date: daysFromAsOf(-3), assigned: 50 },
        { date: daysFromAsOf(1), assigned: 70 },
      ],
    }),
    usageOnlyForProductWithoutLine: customerWith({
      usage: [{ product: 'calling', date: daysFromAsOf(-3), assigned: 1 }],
    }),
    pendingSetup: customerWith({ subscriptions: [{ status: 'pending_setup' }] }),
    allCancelled: customerWith({ subscriptions: [{ status: 'cancelled' }, { endDate: daysFromAsOf(-5) }] }),
    endedButOnePending: customerWith({
      subscriptions: [
        { endDate: daysFromAsOf(-5) },
        { status: 'pending_setup', startDate: daysFromAsOf(10), endDate: daysFromAsOf(400) },
      ],
    }),
    startsTomorrow: customerWith({
      subscriptions: [{ startDate: daysFromAsOf(1), endDate: daysFromAsOf(365) }],
    }),
    noSubscriptions: customerWith({ subscriptions: [] }),
  };

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    const imported = await server.request('POST', '/api/v1/import', {
      token: partner.token,
      body: combine(...Object.values(cases)),
    });
    expect(imported.status, imported.text).toBe(200);
    const list = await server.request<{ items: Item[] }>(
      'GET',
      `/api/v1/customers?asOf=${asOf}&pageSize=1000`,
      { token: partner.token },
    );
    expect(list.status, list.text).toBe(200);
    for (const item of list.body.items) if (item.externalId) statusesOf.set(item.externalId, item);
  });
  afterAll(() => server?.close());

  const statuses = (name: keyof typeof cases) => statusesOf.get(cases[name].id)?.statuses;

  it('flags a trial ending in 29 or 30 days as expiring soon, and not one ending in 31', () => {
    expect(statuses('trialEnds29')).toContain('expiring_soon');
    expect(statuses('trialEnds30')).toContain('expiring_soon');
    expect(statuses('trialEnds31')).not.toContain('expiring_soon');
    expect(statuses('trialEnds31')).toContain('trial');
  });

  it('keeps a subscription active and expiring on its last day, and expired the day after', () => {
    expect(statuses('endsToday')).toEqual(['expiring_soon', 'subscription']);
    expect(statuses('endedYesterday')).toEqual(['expired']);
  });

  it('rolls an auto-renewing subscription over month ends without any job', () => {
    const item = statusesOf.get(cases.autoRenewing.id);
    expect(item?.statuses).toEqual(['subscription']);
    expect(item?.nextEndDate).toBe('2026-03-31');
  });

  it('counts a sign-in 29 days back as recent activity and one 30 days back as not', () => {
    expect(statuses('signedIn29DaysAgo')).not.toContain('no_recent_activity');
    expect(statuses('signedIn30DaysAgo')).toContain('no_recent_activity');
    expect(statuses('signedInOnlyAfterAsOf')).toContain('no_recent_activity');
  });

  it('gives a customer 30 days before it can be without recent activity', () => {
    expect(statuses('createdExactly30DaysAgo')).toContain('no_recent_activity');
    expect(statuses('created29DaysAgo')).not.toContain('no_recent_activity');
  });

  it('suspends for an invoice 31 days overdue but not 30, and judges payment by its date', () => {
    expect(statuses('invoice30DaysOverdue')).not.toContain('suspended');
    expect(statuses('invoice31DaysOverdue')).toEqual(['suspended', 'subscription']);
    expect(statuses('invoicePaidAfterAsOf')).toContain('suspended');
    expect(statuses('invoicePaidOnAsOf')).not.toContain('suspended');
    expect(statuses('statusSuspended')).toContain('suspended');
  });

  it('flags license overage only above the purchased count, ignoring usage after asOf', () => {
    expect(statuses('assignedAbovePurchased')).toContain('license_overage');
    expect(statuses('assignedEqualsPurchased')).not.toContain('license_overage');
    expect(statuses('usageOnlyForProductWithoutLine')).toContain('license_overage');
  });

  it('marks pending setup, and expired only when everything ended or was cancelled and nothing is pending', () => {
    expect(statuses('pendingSetup')).toEqual(['ready_for_order_setup']);
    expect(statuses('allCancelled')).toEqual(['expired']);
    expect(statuses('endedButOnePending')).toEqual(['ready_for_order_setup']);
    expect(statuses('startsTomorrow')).toEqual([]);
    expect(statuses('noSubscriptions')).toEqual([]);
  });

  it('lists products of subscriptions that are not cancelled', () => {
    expect(statusesOf.get(cases.allCancelled.id)?.products).toEqual(['meetings']);
    expect(statusesOf.get(cases.noSubscriptions.id)?.products).toEqual([]);
  });
});
