import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsRowFields } from '../contract/analytics';
import type { ImportDocument } from '../contract/import';
import { databaseTargets } from './support/databases';
import { startTestServer, type Session, type TestPartner, type TestServer } from './support/server';
import { asOf, combine, customerWith, daysFromAsOf as d } from './support/documents';

// Hand-computed expectations for SPEC §10 at asOf 2026-03-15. Each partner is a portfolio built for one concern,
// so every number below can be checked with pencil and paper against the comment next to it.

type Row = Record<(typeof analyticsRowFields)[number], unknown>;
type Rows = { items: Row[]; total: number };
type Section = { kpis: Record<string, number | null>; rows: Rows };
type Overview = {
  asOf: string;
  product: string;
  trend: { date: string; purchased: number; assigned: number; used: number }[];
  recentlyAdded: Section;
  expiring: Section;
  renewing: Section;
  lowAssignment: Section;
  overage: Section;
};

const meetings = (quantity: number) => [{ product: 'meetings' as const, sku: 'M', quantity }];
const calling = (quantity: number) => [{ product: 'calling' as const, sku: 'C', quantity }];

// Partner "sections": one subscription per customer (paid, active, 50 meetings licenses, d(-200)…d(200) unless
// said otherwise). Its meetings low-assignment cohort (active, purchased > 0) has the ratios 0.6, 0 (×4: added 90
// days ago, added today, ends in 91, renews in 91), 0.5, 1 (×4), 1.05, 1.2: p25 = 0, median = 0.8.
const sections = {
  addedEightyNineDaysAgo: customerWith({
    name: 'Added 89 days ago',
    subscriptions: [{ startDate: d(-89), endDate: d(276), lines: meetings(40) }],
    usage: [
      { date: d(-10), assigned: 20, used: 10, used90d: 15 },
      { date: d(-3), assigned: 24, used: 12, used90d: 18 },
    ],
  }),
  addedNinetyDaysAgo: customerWith({
    name: 'Added 90 days ago',
    subscriptions: [{ startDate: d(-90), endDate: d(200) }],
  }),
  addedToday: customerWith({
    name: 'Added today',
    subscriptions: [{ startDate: asOf, endDate: d(364), lines: meetings(10) }],
  }),
  startsTomorrow: customerWith({
    name: 'Starts tomorrow',
    subscriptions: [{ startDate: d(1), endDate: d(365), lines: meetings(10) }],
  }),
  cancelled: customerWith({
    name: 'Cancelled',
    subscriptions: [{ status: 'cancelled', startDate: d(-10), endDate: d(30), lines: meetings(10) }],
  }),
  pending: customerWith({
    name: 'Pending setup',
    subscriptions: [{ status: 'pending_setup', startDate: d(-10), endDate: d(30), lines: meetings(10) }],
  }),
  endedTrial: customerWith({
    name: 'Ended trial',
    subscriptions: [{ kind: 'trial', termMonths: 0, startDate: d(-40), endDate: d(-10), lines: meetings(5) }],
    usage: [{ date: d(-20), assigned: 3, used: 2 }],
  }),
  trialEndsIn90: customerWith({
    name: 'Trial ends in 90 days',
    subscriptions: [{ kind: 'trial', termMonths: 0, startDate: d(-5), endDate: d(90), lines: meetings(20) }],
    usage: [
      { date: d(-2), assigned: 10, used: 4, used90d: 6 },
      { date: d(1), assigned: 15, used: 9, used90d: 9 },
    ],
  }),
  endsIn91: customerWith({
    name: 'Ends in 91 days',
    subscriptions: [{ startDate: d(-300), endDate: d(91), lines: meetings(30) }],
  }),
  endsToday: customerWith({
    name: 'Ends today',
    subscriptions: [{ startDate: d(-300), endDate: asOf, lines: meetings(8) }],
    usage: [{ date: d(-100), assigned: 8, used: 8, used90d: 8 }],
  }),
  endedYesterday: customerWith({
    name: 'Ended yesterday',
    subscriptions: [{ startDate: d(-300), endDate: d(-1), lines: meetings(8) }],
  }),
  renewsMonthly: customerWith({
    name: 'Renews monthly',
    subscriptions: [
      { autoRenew: true, termMonths: 1, startDate: '2025-12-01', endDate: '2026-01-31', lines: meetings(12) },
    ],
    usage: [{ date: d(-30), assigned: 12, used: 6, used90d: 12 }],
  }),
  renewsIn91: customerWith({
    name: 'Renews in 91 days',
    subscriptions: [{ autoRenew: true, termMonths: 12, startDate: d(-274), endDate: d(91) }],
  }),
  renewsIn90: customerWith({
    name: 'Renews in 90 days',
    subscriptions: [
      { autoRenew: true, termMonths: 12, startDate: d(-275), endDate: d(90), lines: meetings(100) },
    ],
    usage: [{ date: d(-1), assigned: 100, used: 50, used90d: 80 }],
  }),
  overByTen: customerWith({
    name: 'Over by ten',
    usage: [{ date: d(-3), assigned: 60, used: 30, used90d: 40 }],
  }),
  overByOne: customerWith({
    name: 'Over by one',
    subscriptions: [{ lines: meetings(20) }],
    usage: [{ date: d(-3), assigned: 21, used: 20, used90d: 21 }],
  }),
  atTheLimit: customerWith({
    name: 'At the limit',
    subscriptions: [{ lines: meetings(10) }],
    usage: [{ date: d(-3), assigned: 10, used: 5, used90d: 10 }],
  }),
  callingOnly: customerWith({
    name: 'Calling only',
    subscriptions: [{ lines: calling(30) }],
    usage: [{ product: 'calling', date: d(-3), assigned: 40, used: 20, used90d: 30 }],
  }),
};

// Partner "cohort": eleven subscriptions of 100 licenses with these ratios; used is half of assigned. Sorted:
// 0.1, 0.2, 0.2, 0.2, 0.2, 0.5, 0.8, 0.9, 1, 1, 1 → p25 = 0.2 (position 2.5), median = 0.5. Flagged: at most 0.2,
// below 0.5, and started 30 or more days ago — the three tied at p25, and the one started exactly 30 days ago.
const cohortMember = (name: string, ratio: number, startDate = d(-100)) =>
  customerWith({
    name,
    subscriptions: [{ startDate, endDate: d(200), lines: meetings(100) }],
    usage: [{ date: d(-2), assigned: Math.round(ratio * 100), used: Math.round(ratio * 50) }],
  });
const cohort = {
  tiedA: cohortMember('Tied A', 0.2),
  tiedB: cohortMember('Tied B', 0.2),
  tiedC: cohortMember('Tied C', 0.2),
  young: cohortMember('Started 29 days ago', 0.2, d(-29)),
  thirtyDays: cohortMember('Started 30 days ago', 0.1, d(-30)),
  half: cohortMember('Half', 0.5),
  most: cohortMember('Most', 0.8),
  nearly: cohortMember('Nearly all', 0.9),
  allA: cohortMember('All A', 1),
  allB: cohortMember('All B', 1),
  allC: cohortMember('All C', 1),
};

// Partner "trend": points are d(-77) = 2025-12-28, then every 7 days to asOf.
const trend = {
  steady: customerWith({
    name: 'Steady',
    subscriptions: [{ startDate: '2025-06-01', endDate: '2027-05-31', lines: meetings(10) }],
    usage: [
      { date: '2026-02-01', assigned: 6, used: 3 },
      { date: '2026-03-20', assigned: 9, used: 9 },
    ],
  }),
  trial: customerWith({
    name: 'Trial in February',
    subscriptions: [{ kind: 'trial', termMonths: 0, startDate: d(-35), endDate: d(-1), lines: meetings(5) }],
    usage: [{ date: d(-30), assigned: 5, used: 1 }],
  }),
  cancelled: customerWith({
    name: 'Cancelled',
    subscriptions: [
      { status: 'cancelled', startDate: '2025-06-01', endDate: '2027-05-31', lines: meetings(100) },
    ],
  }),
  pending: customerWith({
    name: 'Pending',
    subscriptions: [
      { status: 'pending_setup', startDate: '2025-06-01', endDate: '2027-05-31', lines: meetings(100) },
    ],
  }),
  monthly: customerWith({
    name: 'Monthly',
    subscriptions: [
      { autoRenew: true, termMonths: 1, startDate: '2025-10-01', endDate: '2025-10-31', lines: meetings(7) },
    ],
    usage: [{ date: '2025-11-15', assigned: 7, used: 7 }],
  }),
  calling: customerWith({
    name: 'Calling',
    subscriptions: [{ lines: calling(40) }],
    usage: [{ product: 'calling', date: d(-60), assigned: 40 }],
  }),
  lateStart: customerWith({
    name: 'Late start',
    subscriptions: [{ startDate: d(-14), endDate: '2027-03-31', lines: meetings(1) }],
  }),
  laterCancelled: customerWith({
    name: 'Cancelled later',
    subscriptions: [{ startDate: '2025-06-01', endDate: '2027-05-31', lines: meetings(50) }],
    usage: [{ date: '2025-12-01', assigned: 50 }],
  }),
};

const zeroPurchased = customerWith({
  name: 'Nothing purchased',
  subscriptions: [{ lines: meetings(0) }],
  usage: [{ date: d(-1), assigned: 3, used: 1 }],
});

const nothing = { customers: [], subscriptions: [], usage: [], signIns: [], invoices: [], orders: [] };

describe.each(databaseTargets)('subscription analytics of SPEC §10 (%s database)', (target) => {
  let server: TestServer;
  const partners: Record<'sections' | 'cohort' | 'trend' | 'empty' | 'zero', TestPartner> = {} as never;
  let sales: Session;

  const importAs = async (partner: TestPartner, body: ImportDocument) => {
    const answer = await server.request('POST', '/api/v1/import', { token: partner.token, body });
    expect(answer.status, answer.text).toBe(200);
  };
  const get = async <T>(partner: TestPartner, path: string, session?: Session): Promise<T> => {
    const answer = await server.request<T>('GET', path, session ? { session } : { token: partner.token });
    expect(answer.status, `GET ${path}: ${answer.text}`).toBe(200);
    return answer.body;
  };
  const overview = (partner: keyof typeof partners, product = 'meetings') =>
    get<Overview>(partners[partner], `/api/v1/analytics?product=${product}&asOf=${asOf}`);
  const names = (section: Section) => section.rows.items.map((row) => row.customerName);

  beforeAll(async () => {
    server = await startTestServer(target);
    for (const name of ['sections', 'cohort', 'trend', 'empty', 'zero'] as const)
      partners[name] = await server.partner(`Analytics ${name}`);
    await importAs(partners.sections, combine(...Object.values(sections)));
    await importAs(partners.cohort, combine(...Object.values(cohort)));
    await importAs(partners.zero, combine(zeroPurchased));

    // The trend partner's facts arrive the way integrations send them: an earlier usage row after a later one, a
    // subscription cancelled after its usage was stored, a line changed by a modify order.
    await importAs(partners.trend, combine(...Object.values(trend)));
    const lateStartId = trend.lateStart.subscriptionIds[0] as string;
    const steadyId = trend.steady.subscriptionIds[0] as string;
    await importAs(partners.trend, {
      ...nothing,
      usage: [
        {
          subscriptionId: steadyId,
          product: 'meetings',
          date: '2025-12-01',
          assigned: 4,
          used: 2,
          used90d: 2,
        },
      ],
    });
    const laterCancelled = trend.laterCancelled.document.subscriptions[0];
    await importAs(partners.trend, {
      ...nothing,
      subscriptions: [{ ...laterCancelled, status: 'cancelled' }],
    } as ImportDocument);
    await importAs(partners.trend, {
      ...nothing,
      orders: [
        {
          number: 'CCW-LATE-1',
          type: 'modify',
          subscriptionId: lateStartId,
          customerName: 'Late start',
          contactEmail: 'it@late.example',
          requestedStartDate: d(-14),
          termMonths: 12,
          autoRenew: false,
          lines: meetings(3),
        },
      ],
    });

    const salesUser = await partners.cohort.addUser('partner_admin');
    const customers = (
      await get<{ items: { id: string; name: string }[] }>(
        partners.cohort,
        `/api/v1/customers?asOf=${asOf}&pageSize=100`,
      )
    ).items;
    const assigned = customers.filter((c) => ['Tied A', 'Started 30 days ago', 'Half'].includes(c.name));
    await server.database.db
      .insertInto('customer_assignments')
      .values(
        assigned.map((c) => ({
          partner_id: partners.cohort.partnerId,
          user_id: salesUser.userId,
          customer_id: c.id,
          source: 'assigned' as const,
        })),
      )
      .execute();
    sales = await server.signIn(salesUser.email, salesUser.password);
  });
  afterAll(() => server?.close());

  it('answers with exactly the field names of SPEC §11', async () => {
    const answer = await overview('sections');
    expect(Object.keys(answer).sort()).toEqual([
      'asOf',
      'expiring',
      'lowAssignment',
      'overage',
      'product',
      'recentlyAdded',
      'renewing',
      'trend',
    ]);
    expect(answer.asOf).toBe(asOf);
    expect(answer.product).toBe('meetings');
    expect(Object.keys(answer.trend[0] ?? {}).sort()).toEqual(['assigned', 'date', 'purchased', 'used']);
    const kpiNames = {
      recentlyAdded: ['customers', 'licenses'],
      expiring: ['assignedRatio', 'customers', 'usedRatio'],
      renewing: ['assignedRatio', 'customers', 'usedRatio'],
      lowAssignment: ['assignedRatio', 'customers', 'unassigned', 'usedRatio'],
      overage: ['average', 'customers', 'licenses'],
    };
    for (const [section, kpis] of Object.entries(kpiNames)) {
      const answered = answer[section as keyof typeof kpiNames];
      expect(Object.keys(answered).sort(), section).toEqual(['kpis', 'rows']);
      expect(Object.keys(answered.kpis).sort(), section).toEqual(kpis);
      expect(Object.keys(answered.rows).sort(), section).toEqual(['items', 'total']);
      for (const row of answered.rows.items)
        expect(Object.keys(row).sort(), section).toEqual([...analyticsRowFields].sort());
    }
  });

  it.each([
    ['recentlyAdded', { customers: 4, licenses: 75 }],
    ['expiring', { customers: 2, assignedRatio: 18 / 28, usedRatio: 12 / 28 }],
    ['renewing', { customers: 2, assignedRatio: 1, usedRatio: 0.5 }],
    ['lowAssignment', { customers: 3, assignedRatio: 0, usedRatio: 0, unassigned: 130 }],
    ['overage', { customers: 2, licenses: 11, average: 5.5 }],
  ] as const)('computes the %s KPIs as ratios of sums over its rows', async (section, kpis) => {
    expect((await overview('sections'))[section].kpis).toEqual(kpis);
  });

  it.each([
    ['recentlyAdded', ['Added today', 'Trial ends in 90 days', 'Ended trial', 'Added 89 days ago']],
    ['expiring', ['Ends today', 'Trial ends in 90 days']],
    ['renewing', ['Renews monthly', 'Renews in 90 days']],
    ['lowAssignment', ['Added 90 days ago', 'Ends in 91 days', 'Renews in 91 days']],
    ['overage', ['Over by ten', 'Over by one']],
  ] as const)(
    'puts exactly the right subscriptions in %s, in its default order',
    async (section, expected) => {
      const answer = (await overview('sections'))[section];
      expect(section === 'lowAssignment' ? [...names(answer)].sort() : names(answer)).toEqual(expected);
      expect(answer.rows.total).toBe(expected.length);
    },
  );

  it('counts a subscription started 89 days ago or today as recently added, and not one started 90 days ago or tomorrow', async () => {
    const added = names((await overview('sections')).recentlyAdded);
    expect(added).toContain('Added 89 days ago');
    expect(added).toContain('Added today');
    expect(added).not.toContain('Added 90 days ago');
    expect(added).not.toContain('Starts tomorrow');
  });

  it('leaves cancelled subscriptions and those pending setup out of every section and keeps trials in', async () => {
    const answer = await overview('sections');
    const everywhere = [
      answer.recentlyAdded,
      answer.expiring,
      answer.renewing,
      answer.lowAssignment,
      answer.overage,
    ].flatMap(names);
    expect(everywhere).not.toContain('Cancelled');
    expect(everywhere).not.toContain('Pending setup');
    expect(everywhere).toContain('Trial ends in 90 days');
  });

  it('gives each row its figures at asOf: fractions, days and whole months, and weekly changes from the row a week back', async () => {
    const row = (await overview('sections')).recentlyAdded.rows.items.find(
      (r) => r.customerName === 'Added 89 days ago',
    );
    expect(row).toEqual({
      customerId: expect.any(String),
      externalId: sections.addedEightyNineDaysAgo.id,
      customerName: 'Added 89 days ago',
      subscriptionId: sections.addedEightyNineDaysAgo.subscriptionIds[0],
      kind: 'paid',
      autoRenew: false,
      startDate: '2025-12-16',
      endDate: '2026-12-16',
      purchased: 40,
      assigned: 24,
      used: 12,
      available: 16,
      used90d: 18,
      assignedRatio: 0.6,
      usedRatio: 0.3,
      daysSinceAdded: 89,
      daysUntilEnd: 276,
      monthsSinceAdded: 2, // 2025-12-16 → 2026-03-15: 3 calendar months, minus 1 as 15 < 16
      monthsRemaining: 9,
      weeklyAssignmentChange: 4, // 24 now, 20 from the d(-10) row at d(-7)
      weeklyUsageChange: 2,
    });
  });

  it('ignores usage dated after asOf and counts from nothing a week before the first row', async () => {
    const row = (await overview('sections')).expiring.rows.items.find(
      (r) => r.customerName === 'Trial ends in 90 days',
    );
    expect(row).toMatchObject({
      kind: 'trial',
      assigned: 10,
      used: 4,
      used90d: 6,
      available: 10,
      daysUntilEnd: 90,
      weeklyAssignmentChange: 10,
      weeklyUsageChange: 4,
    });
  });

  it('takes the latest earlier usage row however old it is', async () => {
    const row = (await overview('sections')).expiring.rows.items.find((r) => r.customerName === 'Ends today');
    expect(row).toMatchObject({
      assigned: 8,
      used: 8,
      assignedRatio: 1,
      daysUntilEnd: 0,
      monthsRemaining: 0,
      weeklyAssignmentChange: 0,
    });
  });

  it('shows an ended subscription that was recently added with negative days and months until its end', async () => {
    const row = (await overview('sections')).recentlyAdded.rows.items.find(
      (r) => r.customerName === 'Ended trial',
    );
    expect(row).toMatchObject({
      endDate: d(-10),
      daysUntilEnd: -10,
      monthsRemaining: -1,
      daysSinceAdded: 40,
      monthsSinceAdded: 1,
      assigned: 3,
      used: 2,
    });
  });

  it('rolls an auto-renewing subscription over month ends to its next renewal (Jan 31 → Feb 28 → Mar 31)', async () => {
    const row = (await overview('sections')).renewing.rows.items.find(
      (r) => r.customerName === 'Renews monthly',
    );
    expect(row).toMatchObject({
      autoRenew: true,
      endDate: '2026-03-31',
      daysUntilEnd: 16,
      monthsRemaining: 0,
    });
  });

  it('keeps each product to itself: calling has its own overage and nothing else here', async () => {
    const answer = await overview('sections', 'calling');
    expect(names(answer.overage)).toEqual(['Calling only']);
    expect(answer.overage.kpis).toEqual({ customers: 1, licenses: 10, average: 10 });
    // A one-member cohort has p25 = median: nobody sits below the median.
    expect(answer.lowAssignment.kpis).toEqual({
      customers: 0,
      assignedRatio: null,
      usedRatio: null,
      unassigned: 0,
    });
    expect(answer.recentlyAdded.rows.total + answer.expiring.rows.total + answer.renewing.rows.total).toBe(0);
  });

  it('flags the partner-wide bottom quarter: ties at the 25th percentile and a member exactly 30 days old, not a younger one', async () => {
    const answer = (await overview('cohort')).lowAssignment;
    expect([...names(answer)].sort()).toEqual(['Started 30 days ago', 'Tied A', 'Tied B', 'Tied C']);
    // Σ assigned 20·3 + 10 = 70 and Σ used 35 of Σ purchased 400; unassigned 80·3 + 90.
    expect(answer.kpis).toEqual({ customers: 4, assignedRatio: 0.175, usedRatio: 0.0875, unassigned: 330 });
  });

  it('restricts a partner administrator to their customers while the low-assignment cohort stays partner-wide', async () => {
    const answer = await get<Overview>(
      partners.cohort,
      `/api/v1/analytics?product=meetings&asOf=${asOf}`,
      sales,
    );
    // Alone, these three (0.2, 0.1, 0.5) would have p25 0.15 and flag only the 0.1; the partner's cohort flags both.
    expect([...names(answer.lowAssignment)].sort()).toEqual(['Started 30 days ago', 'Tied A']);
    expect(answer.lowAssignment.kpis).toEqual({
      customers: 2,
      assignedRatio: 0.15,
      usedRatio: 0.075,
      unassigned: 170,
    });
    expect(names(answer.recentlyAdded)).toEqual(['Started 30 days ago']);
    expect(answer.trend.at(-1)).toEqual({ date: asOf, purchased: 300, assigned: 80, used: 40 });
    const rows = await get<Rows>(
      partners.cohort,
      `/api/v1/analytics/lowAssignment/rows?product=meetings&asOf=${asOf}`,
      sales,
    );
    expect(rows.total).toBe(2);
    const csv = await server.request(
      'GET',
      `/api/v1/analytics/lowAssignment/rows.csv?product=meetings&asOf=${asOf}`,
      { session: sales },
    );
    expect(csv.text).toContain('Tied A');
    expect(csv.text).not.toContain('Tied B');
  });

  it('draws the trend at 12 weekly points from the latest usage on or before each, whatever order the facts arrived in', async () => {
    const answer = await overview('trend');
    // steady 10 (4/2 from 2025-12-01, 6/3 from 2026-02-01; its 2026-03-20 row is after asOf), monthly 7/7/7
    // throughout, the trial 5 from 02-08 (5/1 from 02-13) through 03-14, late start 3 from 03-01 (a modify order),
    // the subscription cancelled later never; calling and cancelled/pending ones never.
    expect(answer.trend).toEqual([
      { date: '2025-12-28', purchased: 17, assigned: 11, used: 9 },
      { date: '2026-01-04', purchased: 17, assigned: 11, used: 9 },
      { date: '2026-01-11', purchased: 17, assigned: 11, used: 9 },
      { date: '2026-01-18', purchased: 17, assigned: 11, used: 9 },
      { date: '2026-01-25', purchased: 17, assigned: 11, used: 9 },
      { date: '2026-02-01', purchased: 17, assigned: 13, used: 10 },
      { date: '2026-02-08', purchased: 22, assigned: 13, used: 10 },
      { date: '2026-02-15', purchased: 22, assigned: 18, used: 11 },
      { date: '2026-02-22', purchased: 22, assigned: 18, used: 11 },
      { date: '2026-03-01', purchased: 25, assigned: 18, used: 11 },
      { date: '2026-03-08', purchased: 25, assigned: 18, used: 11 },
      { date: '2026-03-15', purchased: 20, assigned: 13, used: 10 },
    ]);
  });

  it('answers null, never 0, for ratios over nothing, and zeros for counts', async () => {
    const answer = await overview('empty');
    expect(answer.recentlyAdded.kpis).toEqual({ customers: 0, licenses: 0 });
    expect(answer.expiring.kpis).toEqual({ customers: 0, assignedRatio: null, usedRatio: null });
    expect(answer.renewing.kpis).toEqual({ customers: 0, assignedRatio: null, usedRatio: null });
    expect(answer.lowAssignment.kpis).toEqual({
      customers: 0,
      assignedRatio: null,
      usedRatio: null,
      unassigned: 0,
    });
    expect(answer.overage.kpis).toEqual({ customers: 0, licenses: 0, average: null });
    expect(answer.trend).toHaveLength(12);
    expect(
      answer.trend.every((point) => point.purchased === 0 && point.assigned === 0 && point.used === 0),
    ).toBe(true);
  });

  it('gives a row with nothing purchased null ratios, and counts it as overage', async () => {
    const answer = await overview('zero');
    expect(answer.overage.rows.items[0]).toMatchObject({
      purchased: 0,
      assigned: 3,
      available: 0,
      assignedRatio: null,
      usedRatio: null,
    });
    expect(answer.overage.kpis).toEqual({ customers: 1, licenses: 3, average: 3 });
    expect(answer.lowAssignment.rows.total).toBe(0);
  });

  it('pages and sorts a section, and exports exactly its rows in that order as CSV', async () => {
    const path = `/api/v1/analytics/recentlyAdded/rows?product=meetings&asOf=${asOf}&sort=-daysSinceAdded&pageSize=2`;
    const first = await get<Rows>(partners.sections, path);
    const second = await get<Rows>(partners.sections, `${path}&page=2`);
    expect(first.total).toBe(4);
    expect([...first.items, ...second.items].map((r) => r.customerName)).toEqual([
      'Added 89 days ago',
      'Ended trial',
      'Trial ends in 90 days',
      'Added today',
    ]);
    const byWeekly = await get<Rows>(
      partners.sections,
      `/api/v1/analytics/recentlyAdded/rows?product=meetings&asOf=${asOf}&sort=-weeklyAssignmentChange`,
    );
    expect(byWeekly.items.map((r) => r.weeklyAssignmentChange)).toEqual([10, 4, 0, 0]);

    const csv = await server.request(
      'GET',
      `/api/v1/analytics/recentlyAdded/rows.csv?product=meetings&asOf=${asOf}&sort=-daysSinceAdded`,
      { token: partners.sections.token },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(analyticsRowFields.join(','));
    expect(lines.slice(1).map((line) => line.split(',')[2])).toEqual([
      'Added 89 days ago',
      'Ended trial',
      'Trial ends in 90 days',
      'Added today',
    ]);
  });

  it('serves meetings and calling and the five sections only', async () => {
    const token = partners.sections.token;
    expect((await server.request('GET', '/api/v1/analytics?product=messaging', { token })).status).toBe(400);
    expect(
      (await server.request('GET', '/api/v1/analytics/somethingElse/rows?product=meetings', { token }))
        .status,
    ).toBe(400);
    expect(
      (await server.request('GET', '/api/v1/analytics/overage/rows?product=meetings&sort=name', { token }))
        .status,
    ).toBe(400);
    expect((await server.request('GET', '/api/v1/analytics?product=meetings')).status).toBe(401);
  });
});
