import { isoDate, type Product } from '../../contract/common';
import { maxBatchRows, type ImportDocument } from '../../contract/import';
import { addDays, addMonths, dateOf, dayNumber, daysBetween, effectiveEnd, minDate } from '../dates';
import {
  countryProfiles,
  createNameRegistry,
  organizationName,
  people,
  type CountryProfile,
  type NameRegistry,
  type Vertical,
} from './names';
import { createRandom, type Random } from './random';

export type DemoOptions = {
  customers: number;
  seed?: string | number;
  asOf: string; /* YYYY-MM-DD, "today" */
};

/** An import document with every array present. */
export type DemoDocument = { [K in keyof ImportDocument]-?: NonNullable<ImportDocument[K]> };

type CustomerRecord = DemoDocument['customers'][number];
type SubscriptionRecord = DemoDocument['subscriptions'][number];
type SubscriptionStatus = SubscriptionRecord['status'];
type Kind = SubscriptionRecord['kind'];
type OrderType = DemoDocument['orders'][number]['type'];

type Scenario =
  | 'established'
  | 'growing'
  | 'new_paid'
  | 'converted_trial'
  | 'trial'
  | 'expiring'
  | 'renewing'
  | 'overage'
  | 'low_assignment'
  | 'suspended'
  | 'overdue'
  | 'pending_setup'
  | 'expired'
  | 'partly_cancelled'
  | 'messaging_only'
  | 'multi_product';

// Customers per 100; `established` fills the rest. Every other scenario is dealt at least once into every block
// of 100 customers, which is what guarantees each status of SPEC §4.1 and rows in each section of §10.
const scenarioMix: readonly (readonly [Scenario, number])[] = [
  ['growing', 5],
  ['new_paid', 7],
  ['converted_trial', 5],
  ['trial', 8],
  ['expiring', 5],
  ['renewing', 6],
  ['overage', 5],
  ['low_assignment', 5],
  ['suspended', 1],
  ['overdue', 2],
  ['pending_setup', 2],
  ['expired', 6],
  ['partly_cancelled', 2],
  ['messaging_only', 3],
  ['multi_product', 4],
];
const blockSize = 100;
const inactiveShare = 0.1;
const usageHistoryDays = 395; // about 13 months
const signInHistoryDays = 180;
const maxPortfolioCustomers = 2000; // beyond this one document would exceed the schema's usage limit
const maxChunkCustomers = 2000;

type Tier = 'smb' | 'mid' | 'enterprise';
type Health = 'healthy' | 'low' | 'overage' | 'trial';
type Billing = 'monthly' | 'term';

type LinePlan = { product: Product; sku: string; quantity: number; orderedQuantity: number; health: Health };

type SubscriptionPlan = {
  kind: Kind;
  status: SubscriptionStatus;
  startDate: string;
  endDate: string;
  autoRenew: boolean;
  termMonths: number;
  /** Renewal orders to record in the order history. */
  renewals: number;
  lines: LinePlan[];
  billing: Billing;
  /** The latest invoices left unpaid. */
  unpaidInvoices: number;
};

type Deal = { scenario: Scenario; occurrence: number; focus: 'meetings' | 'calling'; inactive: boolean };

type Context = {
  seed: string;
  asOf: string;
  asOfDay: number;
  registry: NameRegistry;
  next: { subscription: number; order: number };
};

type Contact = { name: string; email: string };
type Buyer = Contact & { country: CountryProfile };

const monthlyPriceEur: Record<Product, number> = {
  meetings: 13.5,
  calling: 11,
  messaging: 4.5,
  translation: 7,
  contact_center: 79,
  devices: 19,
};

const tierWeights: readonly (readonly [Tier, number])[] = [
  ['smb', 50],
  ['mid', 35],
  ['enterprise', 15],
];
const countryWeights = countryProfiles.map((profile) => [profile, profile.weight] as const);
const tierQuantity: Record<Tier, readonly [number, number]> = {
  smb: [5, 60],
  mid: [50, 400],
  enterprise: [300, 2000],
};

function sku(product: Product, tier: Tier, kind: Kind): string {
  const base: Record<Product, string> = {
    meetings: tier === 'enterprise' ? 'A-MTG-EA' : 'A-MTG-NU',
    calling: tier === 'smb' ? 'A-CALL-BASIC' : 'A-CALL-PRO',
    messaging: 'A-MSG-NU',
    translation: 'A-MTG-RTT',
    contact_center: 'A-CC-AGENT',
    devices: 'A-DEV-ROOM',
  };
  return kind === 'trial' ? `${base[product]}-TRIAL` : base[product];
}

/** Rounded the way people order licences: 5–2000, in steps of 1, 5, 10 or 50. */
function niceQuantity(value: number): number {
  const clamped = Math.min(2000, Math.max(5, value));
  const step = clamped > 500 ? 50 : clamped > 100 ? 10 : clamped > 20 ? 5 : 1;
  return Math.min(2000, Math.max(5, Math.round(clamped / step) * step));
}

function logUniform(random: Random, [min, max]: readonly [number, number]): number {
  return Math.exp(random.between(Math.log(min), Math.log(max)));
}

function lineHealth(random: Random): Health {
  return random.weighted([
    ['healthy', 89],
    ['low', 8],
    ['overage', 3],
  ] as const);
}

function paidLines(args: {
  random: Random;
  tier: Tier;
  focus?: Product;
  focusHealth?: Health;
  products?: readonly Product[];
}): LinePlan[] {
  const { random, tier, focus, focusHealth } = args;
  const products = new Set<Product>(
    args.products ??
      random.weighted<readonly Product[]>([
        [['meetings', 'calling'], 45],
        [['meetings'], 25],
        [['calling'], 15],
        [['meetings', 'calling', 'messaging'], 10],
        [['meetings', 'messaging'], 5],
      ]),
  );
  if (focus !== undefined) products.add(focus);
  if (args.products === undefined) {
    if (products.has('meetings') && random.chance(0.12)) products.add('translation');
    if (products.has('calling') && random.chance(0.1)) products.add('contact_center');
    if (random.chance(0.15)) products.add('devices');
  }
  const base = logUniform(random, tierQuantity[tier]);
  const share: Record<Product, () => number> = {
    meetings: () => 1,
    calling: () => random.between(0.3, 1),
    messaging: () => random.between(0.8, 1.2),
    translation: () => random.between(0.1, 0.3),
    contact_center: () => random.between(0.02, 0.1),
    devices: () => random.between(0.05, 0.2),
  };
  const orderedShare = random.chance(0.25) ? random.between(0.5, 0.9) : 1; // a later `modify` order added licences
  return [...products].map((product) => {
    const quantity = niceQuantity(base * share[product]());
    return {
      product,
      sku: sku(product, tier, 'paid'),
      quantity,
      orderedQuantity:
        orderedShare < 1 ? Math.min(quantity, niceQuantity(quantity * orderedShare)) : quantity,
      health: product === focus && focusHealth !== undefined ? focusHealth : lineHealth(random),
    };
  });
}

function trialLines(random: Random, focus: Product): LinePlan[] {
  const products = new Set<Product>([focus]);
  if (random.chance(0.5)) products.add(focus === 'meetings' ? 'calling' : 'meetings');
  if (random.chance(0.2)) products.add('messaging');
  return [...products].map((product) => {
    const quantity = niceQuantity(logUniform(random, [5, 200]));
    return {
      product,
      sku: sku(product, 'mid', 'trial'),
      quantity,
      orderedQuantity: quantity,
      health: 'trial',
    };
  });
}

function monthsFrom(from: string, to: string): number {
  return (
    (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
    Number(to.slice(5, 7)) -
    Number(from.slice(5, 7))
  );
}

function billingFor(random: Random, termMonths: number): Billing {
  return termMonths === 1 || random.chance(0.4) ? 'monthly' : 'term';
}

/** A paid subscription from its start: renewed up to the term that holds asOf (if auto-renewing, maybe only by rollover). */
function paidFromStart(args: {
  random: Random;
  asOf: string;
  startDate: string;
  termMonths: number;
  autoRenew: boolean;
  lines: LinePlan[];
}): SubscriptionPlan {
  const { random, asOf, startDate, termMonths, autoRenew, lines } = args;
  const firstEnd = addDays(addMonths(startDate, termMonths), -1);
  const currentEnd = effectiveEnd({ kind: 'paid', endDate: firstEnd, autoRenew: true, termMonths }, asOf);
  // Some auto-renewing subscriptions keep their first end date: SPEC §4.1 derives the current term from it.
  const rolledOver = autoRenew && random.chance(0.4);
  return {
    kind: 'paid',
    status: 'active',
    startDate,
    endDate: rolledOver ? firstEnd : currentEnd,
    autoRenew,
    termMonths,
    renewals: rolledOver ? 0 : monthsFrom(firstEnd, currentEnd) / termMonths,
    lines,
    billing: billingFor(random, termMonths),
    unpaidInvoices: 0,
  };
}

/** A paid subscription whose current term ends on `termEnd` after `renewals` renewals. */
function paidEndingOn(args: {
  random: Random;
  termEnd: string;
  termMonths: number;
  renewals: number;
  autoRenew: boolean;
  rolledOver: boolean;
  lines: LinePlan[];
}): SubscriptionPlan {
  const { random, termEnd, termMonths, renewals, autoRenew, rolledOver, lines } = args;
  const startDate = addMonths(addDays(termEnd, 1), -termMonths * (renewals + 1));
  return {
    kind: 'paid',
    status: 'active',
    startDate,
    endDate: rolledOver ? addDays(addMonths(startDate, termMonths), -1) : termEnd,
    autoRenew,
    termMonths,
    renewals: rolledOver ? 0 : renewals,
    lines,
    billing: billingFor(random, termMonths),
    unpaidInvoices: 0,
  };
}

function trialPlan(args: {
  startDate: string;
  days: number;
  endDate?: string;
  status?: SubscriptionStatus;
  lines: LinePlan[];
}): SubscriptionPlan {
  return {
    kind: 'trial',
    status: args.status ?? 'active',
    startDate: args.startDate,
    endDate: args.endDate ?? addDays(args.startDate, args.days),
    autoRenew: false,
    termMonths: 0,
    renewals: 0,
    lines: args.lines,
    billing: 'term',
    unpaidInvoices: 0,
  };
}

function createdDaysAgo(random: Random, asOf: string, minDays: number): string {
  return addDays(asOf, -random.int(minDays, 1095));
}

/** A paid subscription bought soon after the customer was created and running for at least `minAgeDays`. */
function establishedPaid(args: {
  random: Random;
  asOf: string;
  createdAt: string;
  minAgeDays: number;
  lines: LinePlan[];
  billing?: Billing;
}): SubscriptionPlan {
  const { random, asOf, createdAt, minAgeDays, lines } = args;
  const startDate = minDate(addDays(createdAt, random.int(0, 20)), addDays(asOf, -minAgeDays));
  const termMonths = random.weighted([
    [12, 55],
    [36, 18],
    [24, 12],
    [1, 15],
  ] as const);
  const plan = paidFromStart({
    random,
    asOf,
    startDate,
    termMonths,
    autoRenew: termMonths === 1 || random.chance(0.8),
    lines,
  });
  return args.billing === undefined ? plan : { ...plan, billing: args.billing };
}

function cancelledPaid(args: {
  random: Random;
  asOf: string;
  createdAt: string;
  lines: LinePlan[];
}): SubscriptionPlan {
  const { random, asOf, createdAt, lines } = args;
  const startDate = minDate(addDays(createdAt, random.int(0, 30)), addDays(asOf, -70));
  const cancelledOn = minDate(addDays(startDate, random.int(60, 360)), addDays(asOf, -5));
  return {
    kind: 'paid',
    status: 'cancelled',
    startDate,
    endDate: cancelledOn,
    autoRenew: false,
    termMonths: 12,
    renewals: 0,
    lines,
    billing: 'monthly',
    unpaidInvoices: 0,
  };
}

type CustomerPlan = { createdAt: string; plans: SubscriptionPlan[]; forceInactive: boolean };

function otherAnalyticsProduct(product: 'meetings' | 'calling'): 'meetings' | 'calling' {
  return product === 'meetings' ? 'calling' : 'meetings';
}

function planCustomer(args: { random: Random; asOf: string; deal: Deal; tier: Tier }): CustomerPlan {
  const { random, asOf, deal, tier } = args;
  const { focus, occurrence } = deal;
  const plan = (createdAt: string, plans: SubscriptionPlan[], forceInactive = false): CustomerPlan => ({
    createdAt,
    plans,
    forceInactive,
  });
  switch (deal.scenario) {
    case 'established': {
      const createdAt = createdDaysAgo(random, asOf, 75);
      // Some started with a trial long ago and bought after it.
      const trial =
        createdAt <= addDays(asOf, -200) && random.chance(0.3)
          ? trialPlan({
              startDate: createdAt,
              days: random.pick([30, 60, 90]),
              lines: trialLines(random, focus),
            })
          : undefined;
      const boughtFrom = trial === undefined ? createdAt : addDays(trial.endDate, random.int(-10, 5));
      const history = trial === undefined ? [] : [trial];
      if (random.chance(0.65)) {
        const lines = paidLines({ random, tier, products: trial?.lines.map((line) => line.product) });
        return plan(createdAt, [
          ...history,
          establishedPaid({ random, asOf, createdAt: boughtFrom, minAgeDays: 60, lines }),
        ]);
      }
      // Meetings and calling bought as separate subscriptions.
      return plan(createdAt, [
        ...history,
        establishedPaid({
          random,
          asOf,
          createdAt: boughtFrom,
          minAgeDays: 60,
          lines: paidLines({ random, tier, products: ['meetings'] }),
        }),
        establishedPaid({
          random,
          asOf,
          createdAt: boughtFrom,
          minAgeDays: 60,
          lines: paidLines({ random, tier, products: ['calling'] }),
        }),
      ]);
    }
    case 'growing': {
      const createdAt = createdDaysAgo(random, asOf, 200);
      const existing = establishedPaid({
        random,
        asOf,
        createdAt,
        minAgeDays: 200,
        lines: paidLines({ random, tier, products: [otherAnalyticsProduct(focus)] }),
      });
      const added = paidFromStart({
        random,
        asOf,
        startDate: addDays(asOf, -random.int(1, 85)),
        termMonths: 12,
        autoRenew: true,
        lines: paidLines({ random, tier, products: [focus], focus, focusHealth: 'healthy' }),
      });
      return plan(createdAt, [existing, added]);
    }
    case 'new_paid': {
      const createdAt = addDays(asOf, -(occurrence === 0 ? random.int(2, 25) : random.int(2, 85)));
      const startDate = minDate(asOf, addDays(createdAt, random.int(0, 4)));
      const termMonths = random.weighted([
        [12, 60],
        [36, 25],
        [24, 15],
      ] as const);
      const lines = paidLines({ random, tier, focus, focusHealth: 'healthy' });
      return plan(createdAt, [
        paidFromStart({ random, asOf, startDate, termMonths, autoRenew: random.chance(0.85), lines }),
      ]);
    }
    case 'converted_trial': {
      const days = random.pick([30, 60, 90]);
      const trialStart = addDays(asOf, -(days + random.int(15, 330)));
      const trial = trialPlan({ startDate: trialStart, days, lines: trialLines(random, focus) });
      const paidStart = addDays(trial.endDate, random.int(1, 10));
      const lines = paidLines({ random, tier, products: trial.lines.map((line) => line.product), focus });
      const paid = paidFromStart({
        random,
        asOf,
        startDate: paidStart,
        termMonths: 12,
        autoRenew: random.chance(0.85),
        lines,
      });
      return plan(trialStart, [trial, paid]);
    }
    case 'trial': {
      const days = occurrence === 1 ? random.pick([60, 90]) : random.pick([30, 60, 90]);
      const daysLeft =
        occurrence === 0
          ? random.int(1, 25)
          : occurrence === 1
            ? random.int(31, days - 1)
            : random.int(1, days);
      const startDate = addDays(asOf, daysLeft - days);
      const trial = trialPlan({ startDate, days, lines: trialLines(random, focus) });
      if (occurrence < 2 || random.chance(0.75)) return plan(startDate, [trial]);
      // An existing customer trying the other product.
      const createdAt = createdDaysAgo(random, asOf, 120);
      const lines = paidLines({ random, tier, products: [otherAnalyticsProduct(focus)] });
      return plan(createdAt, [establishedPaid({ random, asOf, createdAt, minAgeDays: 90, lines }), trial]);
    }
    case 'expiring': {
      const termMonths = random.pick([12, 12, 24, 36]);
      const daysLeft =
        occurrence === 0 ? random.int(3, 28) : occurrence === 1 ? random.int(35, 88) : random.int(3, 88);
      const subscription = paidEndingOn({
        random,
        termEnd: addDays(asOf, daysLeft),
        termMonths,
        renewals: termMonths === 12 ? random.int(0, 2) : 0,
        autoRenew: false,
        rolledOver: false,
        lines: paidLines({ random, tier, focus }),
      });
      return plan(addDays(subscription.startDate, -random.int(0, 30)), [subscription]);
    }
    case 'renewing': {
      const rolledOver = occurrence % 2 === 1;
      const termMonths = rolledOver ? 12 : random.pick([12, 12, 24, 36]);
      const subscription = paidEndingOn({
        random,
        termEnd: addDays(asOf, random.int(3, 85)),
        termMonths,
        renewals: rolledOver ? random.int(1, 2) : termMonths === 12 ? random.int(0, 2) : 0,
        autoRenew: true,
        rolledOver,
        lines: paidLines({ random, tier, focus }),
      });
      return plan(addDays(subscription.startDate, -random.int(0, 30)), [subscription]);
    }
    case 'overage':
    case 'low_assignment': {
      const createdAt = createdDaysAgo(random, asOf, 150);
      const focusHealth = deal.scenario === 'overage' ? 'overage' : 'low';
      const lines = paidLines({ random, tier, focus, focusHealth });
      return plan(createdAt, [establishedPaid({ random, asOf, createdAt, minAgeDays: 120, lines })]);
    }
    case 'suspended':
    case 'overdue': {
      const createdAt = createdDaysAgo(random, asOf, 220);
      const lines = paidLines({ random, tier, focus });
      const subscription = establishedPaid({
        random,
        asOf,
        createdAt,
        minAgeDays: 200,
        lines,
        billing: 'monthly',
      });
      // Overdue: four or more unpaid monthly invoices, so the oldest is over 30 days past due (SPEC §2). Suspended: by
      // status, with a few unpaid invoices behind it.
      return deal.scenario === 'suspended'
        ? plan(createdAt, [{ ...subscription, status: 'suspended', unpaidInvoices: random.int(2, 3) }])
        : plan(createdAt, [{ ...subscription, unpaidInvoices: random.int(4, 5) }]);
    }
    case 'pending_setup': {
      const createdAt = createdDaysAgo(random, asOf, 120);
      const existing = establishedPaid({
        random,
        asOf,
        createdAt,
        minAgeDays: 90,
        lines: paidLines({ random, tier, products: [otherAnalyticsProduct(focus)] }),
      });
      const startDate = addDays(asOf, random.int(-5, 20));
      const pending: SubscriptionPlan = {
        kind: 'paid',
        status: 'pending_setup',
        startDate,
        endDate: addDays(addMonths(startDate, 12), -1),
        autoRenew: true,
        termMonths: 12,
        renewals: 0,
        lines: paidLines({ random, tier, products: [focus] }),
        billing: 'term',
        unpaidInvoices: 0,
      };
      return plan(createdAt, [existing, pending]);
    }
    case 'expired': {
      const variant = occurrence % 4;
      if (variant === 0 || variant === 3) {
        const days = random.pick([30, 60, 90]);
        const startDate = addDays(asOf, -(days + random.int(10, 300)));
        const trial =
          variant === 0
            ? trialPlan({ startDate, days, lines: trialLines(random, focus) })
            : trialPlan({
                startDate,
                days,
                endDate: addDays(startDate, random.int(3, days - 1)),
                status: 'cancelled',
                lines: trialLines(random, focus),
              });
        return plan(startDate, [trial], variant === 0);
      }
      const lines = paidLines({ random, tier, focus });
      if (variant === 1) {
        const subscription = paidEndingOn({
          random,
          termEnd: addDays(asOf, -random.int(5, 400)),
          termMonths: 12,
          renewals: random.int(0, 1),
          autoRenew: false,
          rolledOver: false,
          lines,
        });
        return plan(addDays(subscription.startDate, -random.int(0, 20)), [subscription]);
      }
      const createdAt = createdDaysAgo(random, asOf, 100);
      return plan(createdAt, [cancelledPaid({ random, asOf, createdAt, lines })]);
    }
    case 'partly_cancelled': {
      const createdAt = createdDaysAgo(random, asOf, 200);
      const kept = paidLines({ random, tier, products: [focus] });
      const dropped = paidLines({ random, tier, products: [otherAnalyticsProduct(focus)] });
      return plan(createdAt, [
        establishedPaid({ random, asOf, createdAt, minAgeDays: 120, lines: kept }),
        cancelledPaid({ random, asOf, createdAt, lines: dropped }),
      ]);
    }
    case 'messaging_only': {
      const createdAt = createdDaysAgo(random, asOf, 75);
      const lines = paidLines({ random, tier, products: ['messaging'] });
      return plan(createdAt, [establishedPaid({ random, asOf, createdAt, minAgeDays: 60, lines })]);
    }
    case 'multi_product': {
      const createdAt = createdDaysAgo(random, asOf, 200);
      const extras = random
        .shuffle<Product>(['translation', 'contact_center', 'devices', 'messaging'])
        .slice(0, 2);
      const lines = paidLines({ random, tier, products: ['meetings', 'calling', ...extras] });
      return plan(createdAt, [establishedPaid({ random, asOf, createdAt, minAgeDays: 120, lines })]);
    }
  }
}

// ---- records ----------------------------------------------------------------------------------------------------

function emptyDocument(): DemoDocument {
  return { customers: [], subscriptions: [], usage: [], signIns: [], invoices: [], orders: [] };
}

function instant(day: number, random: Random): string {
  const hour = String(random.int(6, 17)).padStart(2, '0');
  const minute = String(random.int(0, 59)).padStart(2, '0');
  return `${dateOf(day)}T${hour}:${minute}:00Z`;
}

function seasonal(date: string): number {
  const month = date.slice(5, 7);
  const monthDay = date.slice(5);
  if (month === '07') return 0.65; // Nordic summer holidays
  if (monthDay >= '12-22' || monthDay <= '01-02') return 0.55;
  return 1;
}

/** Where assignment heads (share of purchased), how fast it gets there, and the share of assigned licences used. */
function usageProfile(
  random: Random,
  health: Health,
): { ratio: number; rampDays: number; engagement: number } {
  switch (health) {
    case 'healthy':
      return {
        ratio: random.between(0.6, 0.99),
        rampDays: random.int(10, 45),
        engagement: random.between(0.45, 0.9),
      };
    case 'low':
      return {
        ratio: random.between(0.04, 0.3),
        rampDays: random.int(30, 120),
        engagement: random.between(0.3, 0.7),
      };
    case 'overage':
      return {
        ratio: random.between(1.06, 1.3),
        rampDays: random.int(10, 30),
        engagement: random.between(0.5, 0.9),
      };
    case 'trial':
      return {
        ratio: random.between(0.25, 0.9),
        rampDays: random.int(3, 12),
        engagement: random.between(0.3, 0.8),
      };
  }
}

function emitUsage(args: {
  random: Random;
  asOfDay: number;
  subscriptionId: string;
  line: LinePlan;
  startDay: number;
  lastDay: number;
  out: DemoDocument;
}): void {
  const { random, asOfDay, subscriptionId, line, startDay, lastDay, out } = args;
  const fromDay = Math.max(startDay, asOfDay - usageHistoryDays);
  if (fromDay > lastDay) return;
  const profile = usageProfile(random, line.health);
  const reach90 = random.between(1.15, 1.45);
  const overageFrom = asOfDay - 120; // overage builds up over the last four months

  // A row on the first day, then whenever the telemetry changes (every 5–8 days), and one in the last week.
  const days: number[] = [];
  for (let day = fromDay; day <= lastDay; day += random.int(5, 8)) days.push(day);
  const lastRow = days[days.length - 1] ?? fromDay;
  if (lastRow < lastDay - 6) days.push(lastDay);

  const { quantity } = line;
  days.forEach((day, index) => {
    const date = dateOf(day);
    const ramp = 1 - Math.exp(-(day - startDay + 1) / profile.rampDays);
    const ratio =
      line.health !== 'overage' || day <= overageFrom
        ? Math.min(profile.ratio, 0.97)
        : 0.97 + ((profile.ratio - 0.97) * (day - overageFrom)) / 120;
    let assigned = Math.round(quantity * ratio * ramp * random.between(0.98, 1.02));
    if (line.health !== 'overage') assigned = Math.min(assigned, quantity);
    else if (index === days.length - 1)
      assigned = Math.max(assigned, quantity + Math.max(1, Math.round(quantity * 0.03)));
    const engaged = assigned * profile.engagement;
    const used = Math.min(assigned, Math.round(engaged * random.between(0.85, 1.15) * seasonal(date)));
    const used90d = Math.max(used, Math.min(assigned, Math.round(engaged * reach90)));
    out.usage.push({ subscriptionId, product: line.product, date, assigned, used, used90d });
  });
}

function emitInvoices(args: {
  random: Random;
  asOf: string;
  subscriptionId: string;
  plan: SubscriptionPlan;
  lastDate: string;
  country: CountryProfile;
  out: DemoDocument;
}): void {
  const { random, asOf, subscriptionId, plan, lastDate, country, out } = args;
  const months = plan.billing === 'monthly' ? 1 : plan.termMonths;
  const monthly = plan.lines.reduce((sum, line) => sum + line.quantity * monthlyPriceEur[line.product], 0);
  const discount = plan.lines.some((line) => line.quantity > 500) ? 0.85 : 1;
  const amount = Math.round(monthly * months * discount * country.perEuro * 100) / 100;
  const periods: [string, string][] = [];
  for (let i = 0; ; i++) {
    const periodStart = addMonths(plan.startDate, months * i);
    if (periodStart > lastDate) break;
    periods.push([periodStart, addDays(addMonths(plan.startDate, months * (i + 1)), -1)]);
  }
  const lastPaidDay = dayNumber(asOf) - 1; // nothing is paid "later today"
  // Like usage, invoices go back about 13 months: what a partner portal shows, and what a demo needs.
  const historyStart = addDays(asOf, -usageHistoryDays);
  periods.forEach(([periodStart, periodEnd], index) => {
    if (periodEnd < historyStart) return;
    const paidDay = dayNumber(periodStart) + (random.chance(0.9) ? random.int(3, 25) : random.int(26, 45));
    const unpaid = index >= periods.length - plan.unpaidInvoices || paidDay > lastPaidDay;
    out.invoices.push({
      number: `INV-${subscriptionId.slice(3)}-${String(index + 1).padStart(2, '0')}`,
      subscriptionId,
      amount,
      currency: country.currency,
      periodStart,
      periodEnd,
      dueDate: addDays(periodStart, 30),
      paidAt: unpaid ? null : instant(paidDay, random),
    });
  });
}

function nextOrderNumber(context: Context): string {
  return `CCW-${context.next.order++}`;
}

function emitOrders(args: {
  random: Random;
  context: Context;
  subscriptionId: string;
  plan: SubscriptionPlan;
  lastDate: string;
  customerName: string;
  contactEmail: string;
  out: DemoDocument;
}): void {
  const { random, context, subscriptionId, plan, lastDate, customerName, contactEmail, out } = args;
  const span = daysBetween(plan.startDate, minDate(lastDate, context.asOf));
  const modified = span > 30 && plan.lines.some((line) => line.orderedQuantity !== line.quantity);
  const modifiedOn = modified ? addDays(plan.startDate, random.int(30, span)) : null;
  const events: [OrderType, string][] = [['new', plan.startDate]];
  if (modifiedOn !== null) events.push(['modify', modifiedOn]);
  for (let k = 1; k <= plan.renewals; k++)
    events.push(['renewal', addMonths(plan.startDate, k * plan.termMonths)]);
  if (plan.status === 'cancelled') events.push(['cancel', plan.endDate]);
  events.sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [type, requestedStartDate] of events) {
    // Orders before the `modify` carry the quantities first bought.
    const before = modifiedOn !== null && requestedStartDate < modifiedOn;
    out.orders.push({
      number: nextOrderNumber(context),
      type,
      subscriptionId,
      customerName,
      contactEmail,
      requestedStartDate,
      termMonths: plan.termMonths,
      autoRenew: plan.autoRenew,
      lines: plan.lines.map((line) => ({
        product: line.product,
        sku: line.sku,
        quantity: before ? line.orderedQuantity : line.quantity,
      })),
    });
  }
}

function emitSignIns(args: {
  random: Random;
  asOfDay: number;
  customerId: string;
  createdAt: string;
  admins: Contact[];
  inactive: boolean;
  out: DemoDocument;
}): void {
  const { random, asOfDay, customerId, createdAt, admins, inactive, out } = args;
  const createdDay = dayNumber(createdAt);
  const firstDay = Math.max(createdDay, asOfDay - signInHistoryDays);
  // Inactive customers last signed in more than 30 days ago (SPEC §4.1 no_recent_activity), if ever.
  const lastDay = inactive ? asOfDay - random.int(31, 200) : asOfDay - 1;
  const meanGap = inactive ? random.between(6, 20) : random.between(2, 9);
  const days: number[] = [];
  for (
    let day = firstDay + random.int(0, 3);
    day <= lastDay;
    day += 1 + Math.floor(-Math.log(1 - random.next()) * meanGap)
  ) {
    days.push(day);
  }
  const recent = asOfDay - 29;
  if (!inactive && lastDay >= createdDay && !days.some((day) => day >= recent)) {
    days.push(random.int(Math.max(recent, createdDay), lastDay));
  }
  const weights = admins.map((admin, index) => [admin, index === 0 ? 4 : 1] as const);
  for (const day of days) {
    out.signIns.push({ customerId, email: random.weighted(weights).email, at: instant(day, random) });
  }
}

function emitSubscription(args: {
  random: Random;
  context: Context;
  plan: SubscriptionPlan;
  customerId: string | null;
  customerName: string;
  contactEmail: string;
  country: CountryProfile;
  out: DemoDocument;
}): void {
  const { random, context, plan, customerId, customerName, contactEmail, country, out } = args;
  const { asOf, asOfDay } = context;
  const subscriptionId = `Sub${context.next.subscription++}`;
  const record: SubscriptionRecord = {
    id: subscriptionId,
    customerId,
    kind: plan.kind,
    status: plan.status,
    startDate: plan.startDate,
    endDate: plan.endDate,
    autoRenew: plan.autoRenew,
    termMonths: plan.termMonths,
    lines: plan.lines.map(({ product, sku: lineSku, quantity }) => ({ product, sku: lineSku, quantity })),
  };
  out.subscriptions.push(record);
  // The last day the subscription ran (it may have ended); pending ones never ran.
  const runsOn = plan.kind === 'paid' && plan.autoRenew && plan.status !== 'cancelled';
  const lastDate = runsOn ? asOf : minDate(plan.endDate, asOf);
  if (plan.kind === 'paid')
    emitOrders({ random, context, subscriptionId, plan, lastDate, customerName, contactEmail, out });
  if (plan.status === 'pending_setup') return;
  const startDay = dayNumber(plan.startDate);
  for (const line of plan.lines) {
    emitUsage({ random, asOfDay, subscriptionId, line, startDay, lastDay: dayNumber(lastDate), out });
  }
  if (plan.kind === 'paid') emitInvoices({ random, asOf, subscriptionId, plan, lastDate, country, out });
}

/**
 * Paid products are mostly bought as one subscription each (a customer with meetings and calling holds two, on the
 * same terms), as partners' price lists sell them; trials and orders not set up yet keep their lines together.
 */
function perProduct(plan: SubscriptionPlan): SubscriptionPlan[] {
  if (plan.kind !== 'paid' || plan.status === 'pending_setup' || plan.lines.length < 2) return [plan];
  return plan.lines.map((line) => ({ ...plan, lines: [line] }));
}

/** Room devices for meetings: half the customers with an active paid meetings subscription add them, co-termed. */
function roomDevices(args: { random: Random; tier: Tier; plans: SubscriptionPlan[] }): SubscriptionPlan[] {
  const { random, tier, plans } = args;
  if (plans.some((plan) => plan.lines.some((line) => line.product === 'devices'))) return [];
  const meetings = plans.find(
    (plan) =>
      plan.kind === 'paid' &&
      plan.status === 'active' &&
      plan.lines.some((line) => line.product === 'meetings'),
  );
  const seats = meetings?.lines.find((line) => line.product === 'meetings')?.quantity;
  if (meetings === undefined || seats === undefined || !random.chance(0.5)) return [];
  const quantity = niceQuantity(seats * random.between(0.05, 0.2));
  const line: LinePlan = {
    product: 'devices',
    sku: sku('devices', tier, 'paid'),
    quantity,
    orderedQuantity: quantity,
    health: 'healthy',
  };
  return [{ ...meetings, lines: [line], unpaidInvoices: 0 }];
}

function contactsFor(random: Random, country: CountryProfile, domain: string, count: number): Contact[] {
  return people(random, country, count).map((person) => ({
    name: person.name,
    email: `${person.localPart}@${domain}`,
  }));
}

function tagsFor(args: {
  random: Random;
  country: CountryProfile;
  tier: Tier;
  vertical: Vertical | null;
  scenario: Scenario;
}): string[] {
  const { random, country, tier, vertical, scenario } = args;
  const tags: string[] = [];
  if (country.region !== 'uk' && country.region !== 'cee' && random.chance(0.75)) tags.push(country.region);
  if (tier === 'smb' && random.chance(0.6)) tags.push('smb');
  if (tier === 'enterprise' && random.chance(0.85)) tags.push('enterprise');
  if (vertical !== null) tags.push(vertical);
  if (scenario === 'multi_product' || (tier === 'enterprise' && random.chance(0.3))) tags.push('key-account');
  if ((scenario === 'trial' || scenario === 'converted_trial') && random.chance(0.4)) tags.push('trial-lead');
  return tags;
}

function generateCustomer(args: { context: Context; index: number; deal: Deal; out: DemoDocument }): Buyer {
  const { context, index, deal, out } = args;
  const random = createRandom(`${context.seed}/customer/${index}`);
  const country = random.weighted(countryWeights);
  const tier: Tier = deal.scenario === 'multi_product' ? 'enterprise' : random.weighted(tierWeights);
  const { name, vertical, domain } = organizationName(random, country, context.registry);
  const admins = contactsFor(
    random,
    country,
    domain,
    random.weighted([
      [1, 50],
      [2, 35],
      [3, 15],
    ] as const),
  );
  const contact = admins[0] ?? { name, email: `it@${domain}` };
  const { createdAt, plans, forceInactive } = planCustomer({ random, asOf: context.asOf, deal, tier });
  const customerId = `cust-${String(index + 1).padStart(5, '0')}`;
  const customer: CustomerRecord = {
    id: customerId,
    name,
    country: country.country,
    createdAt,
    tags: tagsFor({ random, country, tier, vertical, scenario: deal.scenario }),
    admins,
  };
  out.customers.push(customer);
  const subscriptions = deal.scenario === 'multi_product' ? plans : plans.flatMap(perProduct);
  for (const plan of [...subscriptions, ...roomDevices({ random, tier, plans: subscriptions })]) {
    emitSubscription({
      random,
      context,
      plan,
      customerId,
      customerName: name,
      contactEmail: contact.email,
      country,
      out,
    });
  }
  const inactive = forceInactive || deal.inactive || (deal.scenario === 'expired' && random.chance(0.6));
  emitSignIns({ random, asOfDay: context.asOfDay, customerId, createdAt, admins, inactive, out });
  return { name, email: contact.email, country };
}

/** Orders not set up yet (SPEC §7): new prospects, and one more subscription for a customer of the block. */
function emitUnmappedOrders(args: {
  context: Context;
  blockIndex: number;
  blockCustomers: Buyer[];
  out: DemoDocument;
}): void {
  const { context, blockIndex, blockCustomers, out } = args;
  const random = createRandom(`${context.seed}/orders/${blockIndex}`);
  const size = blockCustomers.length;
  const prospects = Math.max(1, Math.round((size * 2) / blockSize));
  const withSubscription = size >= 50 ? 1 : 0; // sent as a pending subscription with its order
  const order = (args: {
    buyer: Contact;
    country: CountryProfile;
    lines: LinePlan[];
    asSubscription: boolean;
  }) => {
    const { buyer, country, lines, asSubscription } = args;
    const startDate = addDays(context.asOf, random.int(-7, 21));
    const termMonths = random.pick([12, 12, 36]);
    const plan: SubscriptionPlan = {
      kind: 'paid',
      status: 'pending_setup',
      startDate,
      endDate: addDays(addMonths(startDate, termMonths), -1),
      autoRenew: true,
      termMonths,
      renewals: 0,
      lines,
      billing: 'term',
      unpaidInvoices: 0,
    };
    const party = { customerName: buyer.name, contactEmail: buyer.email };
    if (asSubscription) {
      emitSubscription({ random, context, plan, customerId: null, ...party, country, out });
    } else {
      const subscriptionId = `Sub${context.next.subscription++}`;
      emitOrders({ random, context, subscriptionId, plan, lastDate: startDate, ...party, out });
    }
  };
  for (let i = 0; i < prospects + withSubscription; i++) {
    const country = random.weighted(countryWeights);
    const tier = random.weighted(tierWeights);
    const { name, domain } = organizationName(random, country, context.registry);
    const person = contactsFor(random, country, domain, 1)[0] ?? { name, email: `it@${domain}` };
    const buyer = { name, email: person.email };
    order({ buyer, country, lines: paidLines({ random, tier }), asSubscription: i >= prospects });
  }
  if (size >= 20) {
    const buyer = random.pick(blockCustomers);
    const product = random.pick(['meetings', 'calling'] as const);
    order({
      buyer,
      country: buyer.country,
      lines: paidLines({ random, tier: 'mid', products: [product] }),
      asSubscription: false,
    });
  }
}

function dealBlock(context: Context, blockIndex: number, size: number): Deal[] {
  const random = createRandom(`${context.seed}/block/${blockIndex}`);
  const deck: Scenario[] = [];
  for (const [scenario, perHundred] of scenarioMix) {
    const count = Math.max(1, Math.round((perHundred * size) / blockSize));
    for (let i = 0; i < count; i++) deck.push(scenario);
  }
  while (deck.length < size) deck.push('established');
  const scenarios = random.shuffle(deck).slice(0, size);
  const inactiveCount = Math.round(size * inactiveShare);
  const inactive = random.shuffle(Array.from({ length: size }, (_, i) => i < inactiveCount));
  const seen = new Map<Scenario, number>();
  return scenarios.map((scenario, i) => {
    const occurrence = seen.get(scenario) ?? 0;
    seen.set(scenario, occurrence + 1);
    // Alternating the focus product puts meetings and calling rows into every analytics section.
    const focus = (occurrence + blockIndex) % 2 === 0 ? 'meetings' : 'calling';
    return { scenario, occurrence, focus, inactive: inactive[i] ?? false };
  });
}

function checkOptions(options: DemoOptions): void {
  if (!Number.isInteger(options.customers) || options.customers < 0 || options.customers > 100_000) {
    throw new RangeError(`customers must be a whole number from 0 to 100000, got ${options.customers}`);
  }
  if (!isoDate.safeParse(options.asOf).success)
    throw new RangeError(`asOf must be a date as YYYY-MM-DD, got ${options.asOf}`);
}

/**
 * The demo portfolio in self-contained documents of `chunkCustomers` customers each: a chunk's records refer only
 * to customers and subscriptions of that chunk or earlier ones, and a chunk whose usage exceeds the batch limit
 * continues in usage-only documents. The chunk size does not change the data, only how it is cut.
 */
export function* generateDemoChunks(options: DemoOptions, chunkCustomers = 500): Generator<DemoDocument> {
  checkOptions(options);
  if (!Number.isInteger(chunkCustomers) || chunkCustomers < 1 || chunkCustomers > maxChunkCustomers) {
    throw new RangeError(
      `chunkCustomers must be a whole number from 1 to ${maxChunkCustomers}, got ${chunkCustomers}`,
    );
  }
  const context: Context = {
    seed: String(options.seed ?? 'partner-hub'),
    asOf: options.asOf,
    asOfDay: dayNumber(options.asOf),
    registry: createNameRegistry(),
    next: { subscription: 100001, order: 100001 },
  };
  let out = emptyDocument();
  let deals: Deal[] = [];
  let blockCustomers: Buyer[] = [];
  for (let index = 0; index < options.customers; index++) {
    const blockIndex = Math.floor(index / blockSize);
    const position = index % blockSize;
    if (position === 0) {
      deals = dealBlock(context, blockIndex, Math.min(blockSize, options.customers - index));
      blockCustomers = [];
    }
    const deal = deals[position];
    if (deal === undefined) throw new Error(`no scenario dealt for customer ${index}`);
    blockCustomers.push(generateCustomer({ context, index, deal, out }));
    if (blockCustomers.length === deals.length)
      emitUnmappedOrders({ context, blockIndex, blockCustomers, out });
    if ((index + 1) % chunkCustomers === 0 || index === options.customers - 1) {
      yield { ...out, usage: out.usage.slice(0, maxBatchRows) };
      for (let from = maxBatchRows; from < out.usage.length; from += maxBatchRows) {
        yield { ...emptyDocument(), usage: out.usage.slice(from, from + maxBatchRows) };
      }
      out = emptyDocument();
    }
  }
}

/** The whole demo portfolio as one import document (up to 2000 customers; use generateDemoChunks beyond). */
export function generateDemoPortfolio(options: DemoOptions): DemoDocument {
  checkOptions(options);
  if (options.customers > maxPortfolioCustomers) {
    throw new RangeError(
      `one document holds at most ${maxPortfolioCustomers} customers: use generateDemoChunks`,
    );
  }
  const chunks = [...generateDemoChunks(options)];
  return {
    customers: chunks.flatMap((chunk) => chunk.customers),
    subscriptions: chunks.flatMap((chunk) => chunk.subscriptions),
    usage: chunks.flatMap((chunk) => chunk.usage),
    signIns: chunks.flatMap((chunk) => chunk.signIns),
    invoices: chunks.flatMap((chunk) => chunk.invoices),
    orders: chunks.flatMap((chunk) => chunk.orders),
  };
}
