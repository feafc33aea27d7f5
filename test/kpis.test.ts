import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from './support/databases';
import { startTestServer, type TestPartner, type TestServer } from './support/server';
import { asOf, combine, customerWith, daysFromAsOf } from './support/documents';

const calling = [{ product: 'calling' as const, sku: 'C', quantity: 50 }];

// Hand-computed. Meetings cohort ratios 0.2 (young), 0.1, 0.8, 1.2: p25 = 0.175, median 0.5 → only "Three" is
// flagged. Calling cohort ratios 0 and 1: p25 = 0.25, median 0.5 → "Two" is flagged.
const portfolio = {
  one: customerWith({
    name: 'One',
    subscriptions: [
      { kind: 'trial', termMonths: 0, startDate: daysFromAsOf(-20), endDate: daysFromAsOf(60) },
    ],
    usage: [{ date: asOf, assigned: 10 }],
  }),
  two: customerWith({ name: 'Two', subscriptions: [{ endDate: daysFromAsOf(91), lines: calling }] }),
  three: customerWith({
    name: 'Three',
    subscriptions: [{ endDate: daysFromAsOf(90) }],
    usage: [{ date: asOf, assigned: 5 }],
  }),
  four: customerWith({
    name: 'Four',
    subscriptions: [{ autoRenew: true, termMonths: 3, endDate: '2026-01-31' }],
    usage: [{ date: asOf, assigned: 40 }],
  }),
  five: customerWith({
    name: 'Five',
    subscriptions: [{ autoRenew: true, endDate: daysFromAsOf(200), lines: calling }],
    usage: [{ product: 'calling', date: asOf, assigned: 50 }],
  }),
  messagingOnly: customerWith({
    name: 'Messaging only',
    subscriptions: [{ endDate: daysFromAsOf(10), lines: [{ product: 'messaging', sku: 'X', quantity: 5 }] }],
  }),
  cancelled: customerWith({
    name: 'Cancelled',
    subscriptions: [{ status: 'cancelled', endDate: daysFromAsOf(10) }],
  }),
  eight: customerWith({ name: 'Eight', usage: [{ date: asOf, assigned: 60 }] }),
};

describe.each(databaseTargets)('the KPIs of SPEC §9 (%s database)', (target) => {
  let server: TestServer;
  let partner: TestPartner;

  beforeAll(async () => {
    server = await startTestServer(target);
    partner = await server.partner();
    const imported = await server.request('POST', '/api/v1/import', {
      token: partner.token,
      body: combine(...Object.values(portfolio)),
    });
    expect(imported.status, imported.text).toBe(200);
  });
  afterAll(() => server?.close());

  it('counts only customers with meetings or calling on a subscription that is not cancelled', async () => {
    const answer = await server.request('GET', `/api/v1/kpis?asOf=${asOf}`, { token: partner.token });
    expect(answer.body).toEqual({
      totalCustomers: 6,
      approachingExpiration: 2,
      approachingRenewal: 1,
      lowAssignment: 2,
      exceedingLimit: 1,
    });
  });

  it('drills each KPI down to the customers behind it', async () => {
    const behind = async (kpi: string) =>
      (
        await server.request<{ items: { name: string }[] }>(
          'GET',
          `/api/v1/customers?asOf=${asOf}&kpi=${kpi}`,
          { token: partner.token },
        )
      ).body.items.map((i) => i.name);
    expect(await behind('approachingExpiration')).toEqual(['One', 'Three']);
    expect(await behind('approachingRenewal')).toEqual(['Four']);
    expect(await behind('lowAssignment')).toEqual(['Three', 'Two']);
    expect(await behind('exceedingLimit')).toEqual(['Eight']);
    expect(await behind('totalCustomers')).toEqual(['Eight', 'Five', 'Four', 'One', 'Three', 'Two']);
  });

  it('moves with asOf: a day later the 90-day subscription is no longer the only one at the edge', async () => {
    const answer = await server.request<{ approachingExpiration: number }>(
      'GET',
      `/api/v1/kpis?asOf=${daysFromAsOf(1)}`,
      { token: partner.token },
    );
    expect(answer.body.approachingExpiration).toBe(3);
  });
});
