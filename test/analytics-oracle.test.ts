/**
 * The projections behind the customer list, the KPIs and analytics are kept current fact by fact, so they are
 * checked against the spec after the facts arrive the hard way: subscriptions first stored wrong and corrected
 * after their usage, usage split into batches that arrive newest first. The customer list and KPIs must still
 * equal test/oracle/reference.ts, and analytics must equal SPEC §10 restated below in plain loops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerListItem } from '../contract/customers';
import { databaseTargets } from './support/databases';
import { startTestServer, type TestServer } from './support/server';
import {
  addDays,
  daysBetween,
  effectiveEnd,
  isActiveAt,
  kpiNames,
  lineProducts,
  lowAssignmentCohort,
  purchasedOf,
  referenceModel,
  type PortfolioDocument,
  type Subscription,
  type UsageRow,
} from './oracle/reference';
import { randomPortfolio, seededRandom, type PortfolioOptions } from './oracle/random-portfolio';

const portfolios: PortfolioOptions[] = [
  { seed: 11, customers: 50, asOfDates: ['2026-03-15', '2026-01-31', '2026-04-30'], unmappedOrders: 1 },
  { seed: 12, customers: 45, asOfDates: ['2024-02-29', '2024-03-31'], unmappedOrders: 0 },
];
const analyticsProducts = ['meetings', 'calling'] as const;
type AnalyticsProduct = (typeof analyticsProducts)[number];
type SectionName = 'recentlyAdded' | 'expiring' | 'renewing' | 'lowAssignment' | 'overage';
type Overview = {
  trend: { date: string; purchased: number; assigned: number; used: number }[];
} & Record<
  SectionName,
  { kpis: Record<string, number | null>; rows: { items: { subscriptionId: string }[]; total: number } }
>;

/** §2: the latest row on or before d, else 0. */
function usageAt(
  document: PortfolioDocument,
  subscription: Subscription,
  product: AnalyticsProduct,
  d: string,
  column: 'assigned' | 'used',
): number {
  let latest: UsageRow | undefined;
  for (const row of document.usage) {
    if (row.subscriptionId !== subscription.id || row.product !== product || row.date > d) continue;
    if (!latest || row.date > latest.date) latest = row;
  }
  return latest?.[column] ?? 0;
}

/** SPEC §10 for one product at asOf. */
function analyticsModel(document: PortfolioDocument, product: AnalyticsProduct, asOf: string) {
  const taking = document.subscriptions.filter(
    (s) => s.customerId !== null && lineProducts(s).includes(product),
  );
  const trend = Array.from({ length: 12 }, (_, index) => {
    const date = addDays(asOf, 7 * (index - 11));
    const active = taking.filter((s) => isActiveAt(s, date));
    const sum = (value: (s: Subscription) => number) => active.reduce((total, s) => total + value(s), 0);
    return {
      date,
      purchased: sum((s) => purchasedOf(s, product)),
      assigned: sum((s) => usageAt(document, s, product, date, 'assigned')),
      used: sum((s) => usageAt(document, s, product, date, 'used')),
    };
  });
  const assigned = (s: Subscription) => usageAt(document, s, product, asOf, 'assigned');
  const flagged = new Set(
    lowAssignmentCohort(document, product, asOf)
      .members.filter((m) => m.flagged)
      .map((m) => m.subscriptionId),
  );
  const members: Record<SectionName, Subscription[]> = {
    recentlyAdded: taking.filter(
      (s) =>
        s.status !== 'cancelled' &&
        s.status !== 'pending_setup' &&
        addDays(asOf, -89) <= s.startDate &&
        s.startDate <= asOf,
    ),
    expiring: taking.filter(
      (s) =>
        isActiveAt(s, asOf) && (s.kind === 'trial' || !s.autoRenew) && daysBetween(asOf, s.endDate) <= 90,
    ),
    renewing: taking.filter(
      (s) =>
        isActiveAt(s, asOf) &&
        s.kind === 'paid' &&
        s.autoRenew &&
        daysBetween(asOf, effectiveEnd(s, asOf)) <= 90,
    ),
    lowAssignment: taking.filter((s) => flagged.has(s.id)),
    overage: taking.filter((s) => isActiveAt(s, asOf) && assigned(s) > purchasedOf(s, product)),
  };
  const customers = (list: Subscription[]) => new Set(list.map((s) => s.customerId)).size;
  const total = (list: Subscription[], value: (s: Subscription) => number) =>
    list.reduce((sum, s) => sum + value(s), 0);
  const ratio = (list: Subscription[], value: (s: Subscription) => number) => {
    const purchased = total(list, (s) => purchasedOf(s, product));
    return purchased === 0 ? null : total(list, value) / purchased;
  };
  const used = (s: Subscription) => usageAt(document, s, product, asOf, 'used');
  const overage = total(members.overage, (s) => assigned(s) - purchasedOf(s, product));
  const kpis: Record<SectionName, Record<string, number | null>> = {
    recentlyAdded: {
      customers: customers(members.recentlyAdded),
      licenses: total(members.recentlyAdded, (s) => purchasedOf(s, product)),
    },
    expiring: {
      customers: customers(members.expiring),
      assignedRatio: ratio(members.expiring, assigned),
      usedRatio: ratio(members.expiring, used),
    },
    renewing: {
      customers: customers(members.renewing),
      assignedRatio: ratio(members.renewing, assigned),
      usedRatio: ratio(members.renewing, used),
    },
    lowAssignment: {
      customers: customers(members.lowAssignment),
      assignedRatio: ratio(members.lowAssignment, assigned),
      usedRatio: ratio(members.lowAssignment, used),
      unassigned: total(members.lowAssignment, (s) => Math.max(purchasedOf(s, product) - assigned(s), 0)),
    },
    overage: {
      customers: customers(members.overage),
      licenses: overage,
      average: members.overage.length ? overage / customers(members.overage) : null,
    },
  };
  return { trend, members, kpis };
}

/** The document as three imports: subscriptions stored wrong with half the usage, then corrected, then the rest of the usage newest first. */
function arrivals(document: PortfolioDocument, seed: number): PortfolioDocument[] {
  const random = seededRandom(seed);
  const usage = [...document.usage].sort(() => random.next() - 0.5);
  const half = Math.floor(usage.length / 2);
  const wrong = document.subscriptions.map((s) => ({
    ...s,
    endDate: addDays(s.endDate, 30),
    autoRenew: s.kind === 'paid' && !s.autoRenew,
    lines: s.lines.map((line) => ({ ...line, quantity: line.quantity + 5 })),
  }));
  const empty = { customers: [], subscriptions: [], usage: [], signIns: [], invoices: [], orders: [] };
  return [
    { ...empty, customers: document.customers, subscriptions: wrong, usage: usage.slice(0, half) },
    { ...empty, subscriptions: document.subscriptions, orders: document.orders, invoices: document.invoices },
    {
      ...empty,
      usage: usage.slice(half).sort((a, b) => b.date.localeCompare(a.date)),
      signIns: document.signIns,
    },
  ];
}

describe.each(databaseTargets)(
  'projections kept current fact by fact agree with the spec (%s database)',
  (target) => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer(target);
    });
    afterAll(() => server?.close());

    describe.each(portfolios)('random portfolio of seed $seed', (options) => {
      const document = randomPortfolio(options);
      let token = '';
      const get = async <T>(path: string): Promise<T> => {
        const answer = await server.request<T>('GET', path, { token });
        expect(answer.status, `GET ${path}: ${answer.text}`).toBe(200);
        return answer.body;
      };

      beforeAll(async () => {
        token = (await server.partner(`Arrivals ${options.seed}`)).token;
        for (const body of arrivals(document, options.seed)) {
          const answer = await server.request('POST', '/api/v1/import', { token, body });
          expect(answer.status, answer.text).toBe(200);
        }
      });

      it.each(options.asOfDates)(
        'shows every customer the statuses, products, licenses and next end date of the spec at %s',
        async (asOf) => {
          const model = referenceModel(document, asOf);
          const list = await get<{ items: CustomerListItem[] }>(
            `/api/v1/customers?asOf=${asOf}&pageSize=1000`,
          );
          const actual = new Map(
            list.items.flatMap((item) => (item.externalId ? [[item.externalId, item] as const] : [])),
          );
          const differences = model.customers.flatMap((expected) => {
            const item = actual.get(expected.key);
            const got = item && {
              statuses: item.statuses,
              products: item.products,
              licenses: item.licenses,
              nextEndDate: item.nextEndDate,
            };
            const want = {
              statuses: expected.statuses,
              products: expected.products,
              licenses: expected.licenses,
              nextEndDate: expected.nextEndDate,
            };
            return JSON.stringify(got) === JSON.stringify(want)
              ? []
              : [`${expected.key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
          });
          expect(differences).toEqual([]);
        },
      );

      it.each(options.asOfDates)('counts the KPIs of the spec at %s', async (asOf) => {
        const counts = await get<Record<string, number>>(`/api/v1/kpis?asOf=${asOf}`);
        const model = referenceModel(document, asOf);
        expect(Object.fromEntries(kpiNames.map((name) => [name, counts[name]]))).toEqual(model.kpis);
      });

      const cases = options.asOfDates.flatMap((asOf) =>
        analyticsProducts.map((product) => ({ asOf, product })),
      );
      it.each(cases)(
        'draws the $product trend and fills each section as SPEC §10 says at $asOf',
        async ({ asOf, product }) => {
          const model = analyticsModel(document, product, asOf);
          const answer = await get<Overview>(`/api/v1/analytics?product=${product}&asOf=${asOf}`);
          expect(answer.trend).toEqual(model.trend);
          for (const section of Object.keys(model.members) as SectionName[]) {
            const expectedIds = model.members[section].map((s) => s.id).sort();
            const rows = await get<{ items: { subscriptionId: string }[]; total: number }>(
              `/api/v1/analytics/${section}/rows?product=${product}&asOf=${asOf}&pageSize=1000`,
            );
            expect(rows.items.map((row) => row.subscriptionId).sort(), section).toEqual(expectedIds);
            expect(answer[section].rows.total, section).toBe(expectedIds.length);
            for (const [name, value] of Object.entries(model.kpis[section])) {
              const got = answer[section].kpis[name];
              if (value === null || got === null) expect(got, `${section}.${name}`).toBe(value);
              else expect(got, `${section}.${name}`).toBeCloseTo(value, 10);
            }
          }
        },
      );
    });
  },
);
