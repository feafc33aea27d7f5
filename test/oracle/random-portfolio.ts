/**
 * Seeded random import documents (SPEC §11) built to sit on the boundaries of SPEC §4.1, §9 and §10.5
 * far more often than real data would: end dates around asOf and the 30/90-day windows, auto-renewal
 * across month ends, usage around the purchased count, invoices exactly 30/31 days overdue, sign-ins
 * exactly 29/30 days back, and so on. Every customer is built around one of the portfolio's asOf dates
 * (its "focus"), so that each date of the run gets its share of boundary cases.
 */
import {
  addDays,
  addMonths,
  products,
  type Customer,
  type Invoice,
  type ListFilter,
  type Line,
  type Order,
  type PortfolioDocument,
  type Product,
  type SignIn,
  type Subscription,
  type UsageRow,
  customerStatuses,
} from './reference';

/** mulberry32: a small, fast, seeded PRNG — the same seed always gives the same portfolio. */
export type Random = {
  next(): number;
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(values: readonly T[]): T;
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  subset<T>(values: readonly T[], min: number, max: number): T[];
};

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[int(0, values.length - 1)] as T;
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick,
    weighted<T>(choices: readonly (readonly [T, number])[]): T {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [value, weight] of choices) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return (choices[choices.length - 1] as readonly [T, number])[0];
    },
    subset<T>(values: readonly T[], min: number, max: number): T[] {
      const shuffled = [...values].sort(() => next() - 0.5);
      return shuffled.slice(0, int(min, Math.min(max, values.length)));
    },
  };
}

export const tagPool = ['nordics', 'enterprise', 'smb', 'public-sector', 'vip'] as const;

export type PortfolioOptions = {
  seed: number;
  customers: number;
  asOfDates: string[];
  unmappedOrders: number;
};

const words = [
  'Acme',
  'Beta',
  'Nord',
  'Polar',
  'Fjord',
  'Cobalt',
  'Granit',
  'Vista',
  'Lumen',
  'Orbit',
  'Delta',
  'Kappa',
  'Tundra',
  'Aurora',
];
const suffixes = ['AB', 'Oy', 'AS', 'GmbH', 'Ltd', 'ApS'];
const countries = ['SE', 'FI', 'NO', 'DK', 'DE', 'GB'];
const skuOf: Record<Product, string> = {
  meetings: 'A-MTG-NU',
  calling: 'A-CALL-PRO',
  messaging: 'A-MSG',
  translation: 'A-RTT',
  contact_center: 'A-CC',
  devices: 'A-DEV',
};

/** A date near the boundaries of §4.1/§9 relative to `focus`. */
const endOffsets = [-1, 0, 29, 30, 31, 89, 90, 91, -40, 200] as const;

function lastDayOfMonthBefore(focus: string, monthsBack: number): string {
  // The first of the focus month, minus monthsBack months, then the day before the following first.
  const first = `${focus.slice(0, 7)}-01`;
  return addDays(addMonths(first, -monthsBack + 1), -1);
}

function randomLines(random: Random): Line[] {
  const chosen: Product[] = random.chance(0.1)
    ? ['messaging']
    : random.subset(
        [
          random.weighted<Product>([
            ['meetings', 5],
            ['calling', 3],
            ['messaging', 1],
          ]),
          ...products,
        ],
        1,
        random.weighted([
          [1, 5],
          [2, 3],
          [3, 1],
        ]),
      );
  const unique = [...new Set(chosen)];
  const quantity = () =>
    random.weighted([
      [0, 1],
      [1, 2],
      [4, 3],
      [8, 3],
      [10, 2],
      [20, 4],
      [40, 4],
      [100, 2],
    ]);
  const lines = unique.map((product) => ({ product, sku: skuOf[product], quantity: quantity() }));
  // Now and then a second line of the same product: purchased is the sum of both.
  const first = lines[0];
  if (first && random.chance(0.07))
    lines.push({ product: first.product, sku: `${skuOf[first.product]}-ADD`, quantity: quantity() });
  return lines;
}

function randomSubscription(random: Random, id: string, customerId: string, focus: string): Subscription {
  const kind = random.chance(0.25) ? 'trial' : 'paid';
  const status = random.weighted<Subscription['status']>([
    ['active', 70],
    ['suspended', 8],
    ['cancelled', 10],
    ['pending_setup', 7],
  ]);
  const autoRenew = kind === 'paid' && random.chance(0.45);
  const termMonths = autoRenew ? random.pick([1, 3, 12]) : kind === 'trial' ? 0 : random.pick([1, 12, 36]);

  let endDate: string;
  if (autoRenew && random.chance(0.55)) {
    // Month-end anchored terms that roll across months lacking the day (31st, Feb 28/29).
    const anchor = lastDayOfMonthBefore(focus, random.int(0, 14));
    endDate = random.chance(0.7) ? anchor : addDays(anchor, -random.int(1, 2));
  } else {
    endDate = addDays(focus, random.pick(endOffsets));
    if (autoRenew && random.chance(0.3)) endDate = addDays(focus, -random.int(40, 500));
  }

  let startDate = random.weighted<string>([
    [addDays(endDate, -random.int(30, 500)), 10],
    [addDays(focus, 1), 1],
    [addDays(focus, random.int(2, 20)), 1],
    [addDays(focus, -30), 2],
    [addDays(focus, -29), 2],
    [focus, 1],
  ]);
  if (startDate > endDate) {
    if (random.chance(0.5)) endDate = addDays(startDate, random.pick([0, 29, 30, 90, 365]));
    else startDate = endDate;
  }
  return {
    id,
    customerId,
    kind,
    status,
    startDate,
    endDate,
    autoRenew,
    termMonths,
    lines: randomLines(random),
  };
}

/**
 * Sparse usage: per product 1–3 rows around the focus date (some after it), and usually a baseline row
 * before the portfolio's earliest date so that every asOf sees a spread of assignment ratios.
 */
function randomUsage(
  random: Random,
  subscription: Subscription,
  focus: string,
  baseline: string,
): UsageRow[] {
  if (subscription.status === 'pending_setup' || random.chance(0.08)) return [];
  const rows: UsageRow[] = [];
  const linedProducts = [...new Set(subscription.lines.map((line) => line.product))];
  // Occasionally usage for a product the subscription has no line for (purchased 0).
  const extra = random.chance(0.06) ? [random.pick(products.filter((p) => !linedProducts.includes(p)))] : [];
  for (const product of [...linedProducts, ...extra]) {
    if (product === undefined || random.chance(0.1)) continue;
    const purchased = subscription.lines
      .filter((line) => line.product === product)
      .reduce((sum, line) => sum + line.quantity, 0);
    const dates = random.subset(
      [-60, -8, -7, -3, -1, 0, 1, 5].map((offset) => addDays(focus, offset)),
      1,
      3,
    );
    if (random.chance(0.7)) dates.push(baseline);
    for (const date of dates) {
      const assigned = Math.max(
        0,
        random.weighted<number>([
          [purchased - 1, 3],
          [purchased, 3],
          [purchased + 1, 3],
          [Math.round(purchased * random.pick([0, 0.25, 0.5, 0.75])), 6],
          [random.int(0, 3), 1],
        ]),
      );
      const used = random.int(0, assigned);
      rows.push({
        subscriptionId: subscription.id,
        product,
        date,
        assigned,
        used,
        used90d: used + random.int(0, 3),
      });
    }
  }
  return rows;
}

function randomInvoices(
  random: Random,
  subscription: Subscription,
  focus: string,
  nextNumber: () => string,
): Invoice[] {
  const wanted = subscription.kind === 'paid' ? random.chance(0.3) : random.chance(0.04);
  if (!wanted) return [];
  return Array.from({ length: random.int(1, 2) }, () => {
    const dueDate = addDays(focus, random.pick([-31, -30, -60, -10, 5]));
    const paidAt = random.weighted<string | null>([
      [null, 4],
      [`${focus}T00:30:00Z`, 1],
      [`${focus}T23:59:59Z`, 1],
      [`${addDays(focus, 1)}T00:00:01Z`, 2],
      [`${addDays(focus, -3)}T10:00:00Z`, 2],
    ]);
    return {
      number: nextNumber(),
      subscriptionId: subscription.id,
      amount: random.int(1, 5000),
      currency: 'EUR',
      periodStart: addDays(dueDate, -45),
      periodEnd: addDays(dueDate, -15),
      dueDate,
      paidAt,
    };
  });
}

function randomSignIns(random: Random, customer: Customer, focus: string): SignIn[] {
  const email = customer.admins[0]?.email ?? `admin@${customer.id}.example`;
  const candidates = [
    `${addDays(focus, -29)}T00:00:00Z`,
    `${addDays(focus, -30)}T23:59:59Z`,
    `${focus}T23:59:59Z`,
    `${addDays(focus, 1)}T00:00:00Z`,
    `${addDays(focus, -5)}T12:00:00Z`,
    `${addDays(focus, -200)}T08:00:00Z`,
  ];
  return random.subset(candidates, 0, 3).map((at) => ({ customerId: customer.id, email, at }));
}

/** A random portfolio of `customers` customers, reproducible from `seed`. */
export function randomPortfolio(options: PortfolioOptions): PortfolioDocument {
  const random = seededRandom(options.seed);
  const document: PortfolioDocument = {
    customers: [],
    subscriptions: [],
    usage: [],
    signIns: [],
    invoices: [],
    orders: [],
  };
  const baseline = addDays([...options.asOfDates].sort()[0] as string, -70);
  let invoiceCounter = 0;
  const nextInvoice = () => `INV-${options.seed}-${++invoiceCounter}`;

  for (let n = 1; n <= options.customers; n += 1) {
    const focus = random.pick(options.asOfDates);
    const id = `cust-${options.seed}-${String(n).padStart(3, '0')}`;
    const customer: Customer = {
      id,
      name: `${random.pick(words)} ${random.pick(words)} ${random.pick(suffixes)} ${n}`,
      country: random.pick(countries),
      createdAt: addDays(
        focus,
        random.weighted<number>([
          [-400, 5],
          [-31, 1],
          [-30, 2],
          [-29, 2],
          [0, 1],
          [3, 1],
        ]),
      ),
      tags: random.subset(tagPool, 0, random.pick([0, 1, 1, 2, 3])),
      admins: [{ email: `admin@${id}.example`, name: 'Admin' }],
    };
    document.customers.push(customer);
    document.signIns.push(...randomSignIns(random, customer, focus));

    const count = random.weighted([
      [0, 1],
      [1, 8],
      [2, 5],
      [3, 2],
    ]);
    for (let s = 1; s <= count; s += 1) {
      const subscription = randomSubscription(
        random,
        `Sub${options.seed}${String(n).padStart(3, '0')}${s}`,
        id,
        focus,
      );
      document.subscriptions.push(subscription);
      document.usage.push(...randomUsage(random, subscription, focus, baseline));
      document.invoices.push(...randomInvoices(random, subscription, focus, nextInvoice));
    }
  }

  for (let n = 1; n <= options.unmappedOrders; n += 1) {
    const order: Order = {
      number: `CCW-${options.seed}-${n}`,
      type: 'new',
      subscriptionId: `SubOrder${options.seed}${n}`,
      customerName: `${random.pick(words)} Prospect ${n}`,
      contactEmail: `buyer${n}@prospect-${options.seed}.example`,
      requestedStartDate: addDays(random.pick(options.asOfDates), random.int(-10, 20)),
      termMonths: 12,
      autoRenew: true,
      lines: randomLines(random).filter((line) => line.quantity > 0),
    };
    if (order.lines.length === 0)
      order.lines.push({ product: 'meetings', sku: skuOf.meetings, quantity: 10 });
    document.orders.push(order);
  }
  return document;
}

/** Random list filters: 1–3 facets, 1–2 values each (comma-separated in the query). */
export function randomFilters(seed: number, count: number): ListFilter[] {
  const random = seededRandom(seed ^ 0x5eed);
  return Array.from({ length: count }, () => {
    const filter: ListFilter = {};
    const facets = random.subset(['status', 'product', 'type', 'tag'] as const, 1, 3);
    for (const facet of facets) {
      if (facet === 'status') filter.status = random.subset(customerStatuses, 1, 2);
      if (facet === 'product') filter.product = random.subset(products, 1, 2);
      if (facet === 'type') filter.type = random.subset(['trial', 'paid'] as const, 1, 2);
      if (facet === 'tag') filter.tag = random.subset(tagPool, 1, 2);
    }
    return filter;
  });
}
