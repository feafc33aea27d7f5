/**
 * A reference model of the customer list and the KPIs, written straight from the product spec
 * (/work/shared/SPEC.md §2, §4.1, §4.2, §9, §10.5) and nothing else. It is deliberately naive:
 * plain loops over the import document, one function per definition, so that each line can be
 * held against the sentence of the spec it restates.
 */

// ---------------------------------------------------------------------------------------------
// The import document (SPEC §11), fully spelled out: the generator always fills every field.
// ---------------------------------------------------------------------------------------------

/** SPEC §2, in the order the list shows them. */
export const products = [
  'meetings',
  'calling',
  'messaging',
  'translation',
  'contact_center',
  'devices',
] as const;
export type Product = (typeof products)[number];

/** SPEC §4.1, in the order of its table (which is also the order of a customer's `statuses`). */
export const customerStatuses = [
  'suspended',
  'license_overage',
  'expiring_soon',
  'ready_for_order_setup',
  'no_recent_activity',
  'trial',
  'subscription',
  'expired',
] as const;
export type CustomerStatus = (typeof customerStatuses)[number];

/** SPEC §11 `GET /api/v1/kpis`. */
export const kpiNames = [
  'totalCustomers',
  'approachingExpiration',
  'approachingRenewal',
  'lowAssignment',
  'exceedingLimit',
] as const;
export type KpiName = (typeof kpiNames)[number];

export type Line = { product: Product; sku: string; quantity: number };
export type Customer = {
  id: string;
  name: string;
  country: string;
  createdAt: string;
  tags: string[];
  admins: { email: string; name: string }[];
};
export type Subscription = {
  id: string;
  customerId: string | null;
  kind: 'paid' | 'trial';
  status: 'pending_setup' | 'active' | 'suspended' | 'cancelled';
  startDate: string;
  endDate: string;
  autoRenew: boolean;
  termMonths: number;
  lines: Line[];
};
export type UsageRow = {
  subscriptionId: string;
  product: Product;
  date: string;
  assigned: number;
  used: number;
  used90d: number;
};
export type SignIn = { customerId: string; email: string; at: string };
export type Invoice = {
  number: string;
  subscriptionId: string;
  amount: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  paidAt: string | null;
};
export type Order = {
  number: string;
  type: 'new' | 'modify' | 'renewal' | 'cancel';
  subscriptionId: string;
  customerName: string;
  contactEmail: string;
  requestedStartDate: string;
  termMonths: number;
  autoRenew: boolean;
  lines: Line[];
};
export type PortfolioDocument = {
  customers: Customer[];
  subscriptions: Subscription[];
  usage: UsageRow[];
  signIns: SignIn[];
  invoices: Invoice[];
  orders: Order[];
};

/** SUSPEND_AFTER_DAYS, EXPIRING_SOON_DAYS, NO_ACTIVITY_DAYS (SPEC §2, §4.1; all default 30). */
export type Thresholds = { suspendAfterDays: number; expiringSoonDays: number; noActivityDays: number };
export const defaultThresholds: Thresholds = {
  suspendAfterDays: 30,
  expiringSoonDays: 30,
  noActivityDays: 30,
};

// ---------------------------------------------------------------------------------------------
// Calendar dates (UTC), as `YYYY-MM-DD` strings; such strings compare correctly as text.
// ---------------------------------------------------------------------------------------------

const msPerDay = 86_400_000;

function parts(date: string): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a date: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function dayNumber(date: string): number {
  const { year, month, day } = parts(date);
  return Date.UTC(year, month - 1, day) / msPerDay;
}

function fromDayNumber(days: number): string {
  return new Date(days * msPerDay).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** `to − from` in days. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Calendar months later; a day the month lacks becomes its last day (Jan 31 + 1 → Feb 28). */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = parts(date);
  const index = year * 12 + (month - 1) + months;
  const newYear = Math.floor(index / 12);
  const newMonth = (index % 12) + 1;
  const newDay = Math.min(day, lastDayOfMonth(newYear, newMonth));
  return `${String(newYear).padStart(4, '0')}-${String(newMonth).padStart(2, '0')}-${String(newDay).padStart(2, '0')}`;
}

/** SPEC §11: the date of an instant is its UTC date. */
export function utcDateOf(instant: string): string {
  return new Date(instant).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// §4.1 terms: effective end, active at d, ended at d; §2 license usage.
// ---------------------------------------------------------------------------------------------

/**
 * Effective end at d: `endDate`, or for an auto-renewing paid subscription the first of
 * `endDate + k·termMonths` (k = 0, 1, 2, …, each counted from the original endDate) on or after d.
 */
export function effectiveEnd(subscription: Subscription, d: string): string {
  if (subscription.kind !== 'paid' || !subscription.autoRenew) return subscription.endDate;
  for (let k = 0; ; k += 1) {
    const end = addMonths(subscription.endDate, k * subscription.termMonths);
    if (end >= d) return end;
  }
}

/** Active at d: status active or suspended, startDate ≤ d ≤ effective end. */
export function isActiveAt(subscription: Subscription, d: string): boolean {
  const live = subscription.status === 'active' || subscription.status === 'suspended';
  return live && subscription.startDate <= d && d <= effectiveEnd(subscription, d);
}

/** Ended at d: effective end < d. */
export function hasEndedAt(subscription: Subscription, d: string): boolean {
  return effectiveEnd(subscription, d) < d;
}

/** Purchased licenses of a product: Σ quantity of the subscription's lines for it (0 without a line). */
export function purchasedOf(subscription: Subscription, product: Product): number {
  return subscription.lines
    .filter((line) => line.product === product)
    .reduce((sum, line) => sum + line.quantity, 0);
}

/** The distinct products the subscription has a line for, in list order. */
export function lineProducts(subscription: Subscription): Product[] {
  return products.filter((product) => subscription.lines.some((line) => line.product === product));
}

/** §2: for a date with no row the latest earlier row counts; none at all counts as 0. */
export function assignedAt(
  document: PortfolioDocument,
  subscriptionId: string,
  product: Product,
  d: string,
): number {
  let latest: UsageRow | undefined;
  for (const row of document.usage) {
    if (row.subscriptionId !== subscriptionId || row.product !== product || row.date > d) continue;
    if (!latest || row.date > latest.date) latest = row;
  }
  return latest?.assigned ?? 0;
}

// ---------------------------------------------------------------------------------------------
// What the model predicts.
// ---------------------------------------------------------------------------------------------

export type ListRow = {
  /** The customer's `externalId`, or `order:<subscriptionId>` for a row of an order not set up. */
  key: string;
  externalId: string | null;
  statuses: CustomerStatus[];
  products: Product[];
  tags: string[];
};

export type ExpectedCustomer = ListRow & {
  externalId: string;
  licenses: { purchased: number; assigned: number };
  nextEndDate: string | null;
  kpis: KpiName[];
};

export type LowAssignmentCohort = {
  product: 'meetings' | 'calling';
  members: {
    subscriptionId: string;
    customerId: string;
    ratio: number;
    startDate: string;
    flagged: boolean;
  }[];
  p25: number | null;
  p50: number | null;
};

export type ReferenceModel = {
  asOf: string;
  customers: ExpectedCustomer[];
  /** Orders of type `new` whose subscription is not in the document: rows of their own (SPEC §4.1, §7). */
  orderRows: ListRow[];
  kpis: Record<KpiName, number>;
  lowAssignment: LowAssignmentCohort[];
};

/** PostgreSQL's `percentile_cont(q)`: linear interpolation between the two nearest sorted values. */
export function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

/**
 * §10.5 for one product: the cohort is every subscription of the partner active at asOf with
 * purchased > 0; flagged are members with startDate ≤ asOf − 30 whose ratio is ≤ p25 and < p50.
 */
export function lowAssignmentCohort(
  document: PortfolioDocument,
  product: 'meetings' | 'calling',
  asOf: string,
): LowAssignmentCohort {
  const cohort = document.subscriptions
    .filter((s) => s.customerId !== null && isActiveAt(s, asOf) && purchasedOf(s, product) > 0)
    .map((s) => ({
      subscriptionId: s.id,
      customerId: s.customerId as string,
      ratio: assignedAt(document, s.id, product, asOf) / purchasedOf(s, product),
      startDate: s.startDate,
    }));
  const ratios = cohort.map((member) => member.ratio);
  const p25 = percentileCont(ratios, 0.25);
  const p50 = percentileCont(ratios, 0.5);
  const oldEnough = addDays(asOf, -30);
  const members = cohort.map((member) => ({
    ...member,
    flagged:
      p25 !== null &&
      p50 !== null &&
      member.startDate <= oldEnough &&
      member.ratio <= p25 &&
      member.ratio < p50,
  }));
  return { product, members, p25, p50 };
}

/** The whole prediction for one document at one asOf. */
export function referenceModel(
  document: PortfolioDocument,
  asOf: string,
  thresholds: Thresholds = defaultThresholds,
): ReferenceModel {
  const subscriptionsOf = (customerId: string) =>
    document.subscriptions.filter((s) => s.customerId === customerId);
  const invoicesOf = (subscription: Subscription) =>
    document.invoices.filter((invoice) => invoice.subscriptionId === subscription.id);
  const assigned = (subscription: Subscription, product: Product) =>
    assignedAt(document, subscription.id, product, asOf);
  const isMeetingsOrCalling = (product: Product) => product === 'meetings' || product === 'calling';
  const hasMeetingsOrCallingLine = (subscription: Subscription) =>
    subscription.lines.some((line) => isMeetingsOrCalling(line.product));

  /** Unpaid at asOf: paidAt null or its UTC date after asOf. */
  const unpaidAt = (invoice: Invoice) => invoice.paidAt === null || utcDateOf(invoice.paidAt) > asOf;
  const overdueAt = (invoice: Invoice) =>
    unpaidAt(invoice) && addDays(invoice.dueDate, thresholds.suspendAfterDays) < asOf;

  const cohorts = [
    lowAssignmentCohort(document, 'meetings', asOf),
    lowAssignmentCohort(document, 'calling', asOf),
  ];
  const flaggedSubscriptions = new Set(
    cohorts.flatMap((cohort) => cohort.members.filter((m) => m.flagged).map((m) => m.subscriptionId)),
  );

  const customers = document.customers.map((customer): ExpectedCustomer => {
    const own = subscriptionsOf(customer.id);
    const active = own.filter((s) => isActiveAt(s, asOf));
    const notCancelled = own.filter((s) => s.status !== 'cancelled');

    const holds: Record<CustomerStatus, boolean> = {
      suspended: active.some(
        (s) => s.kind === 'paid' && (s.status === 'suspended' || invoicesOf(s).some(overdueAt)),
      ),
      license_overage: active.some((s) =>
        products.some((product) => assigned(s, product) > purchasedOf(s, product)),
      ),
      expiring_soon: active.some(
        (s) =>
          (s.kind === 'trial' || !s.autoRenew) && daysBetween(asOf, s.endDate) <= thresholds.expiringSoonDays,
      ),
      ready_for_order_setup: own.some((s) => s.status === 'pending_setup'),
      no_recent_activity:
        !document.signIns.some((signIn) => {
          if (signIn.customerId !== customer.id) return false;
          const date = utcDateOf(signIn.at);
          return addDays(asOf, -(thresholds.noActivityDays - 1)) <= date && date <= asOf;
        }) && customer.createdAt <= addDays(asOf, -thresholds.noActivityDays),
      trial: active.some((s) => s.kind === 'trial'),
      subscription: active.some((s) => s.kind === 'paid'),
      expired:
        own.length > 0 &&
        own.every((s) => s.status === 'cancelled' || hasEndedAt(s, asOf)) &&
        !own.some((s) => s.status === 'pending_setup'),
    };

    const customerProducts = products.filter((product) =>
      notCancelled.some((s) => s.lines.some((line) => line.product === product)),
    );
    const ends = active.map((s) => effectiveEnd(s, asOf)).sort();

    // §9: only customers with a meetings or calling line in a subscription that is not cancelled count.
    const counts = notCancelled.some(hasMeetingsOrCallingLine);
    const meetingsOrCallingActive = active.filter(hasMeetingsOrCallingLine);
    const inKpi: Record<KpiName, boolean> = {
      totalCustomers: counts,
      approachingExpiration: meetingsOrCallingActive.some(
        (s) => (s.kind === 'trial' || !s.autoRenew) && daysBetween(asOf, s.endDate) <= 90,
      ),
      approachingRenewal: meetingsOrCallingActive.some(
        (s) => s.kind === 'paid' && s.autoRenew && daysBetween(asOf, effectiveEnd(s, asOf)) <= 90,
      ),
      lowAssignment: own.some((s) => flaggedSubscriptions.has(s.id)),
      // §10: only subscriptions with a line for the product take part.
      exceedingLimit: active.some((s) =>
        lineProducts(s)
          .filter(isMeetingsOrCalling)
          .some((product) => assigned(s, product) > purchasedOf(s, product)),
      ),
    };

    return {
      key: customer.id,
      externalId: customer.id,
      statuses: customerStatuses.filter((status) => holds[status]),
      products: customerProducts,
      tags: customer.tags,
      licenses: {
        purchased: active.reduce(
          (sum, s) => sum + s.lines.reduce((lines, line) => lines + line.quantity, 0),
          0,
        ),
        assigned: active.reduce(
          (sum, s) => sum + lineProducts(s).reduce((total, product) => total + assigned(s, product), 0),
          0,
        ),
      },
      nextEndDate: ends[0] ?? null,
      kpis: kpiNames.filter((name) => counts && inKpi[name]),
    };
  });

  const knownSubscriptions = new Set(document.subscriptions.map((s) => s.id));
  const orderRows = document.orders
    .filter((order) => order.type === 'new' && !knownSubscriptions.has(order.subscriptionId))
    .map((order): ListRow => ({
      key: `order:${order.subscriptionId}`,
      externalId: null,
      statuses: ['ready_for_order_setup'],
      products: products.filter((product) => order.lines.some((line) => line.product === product)),
      tags: [],
    }));

  const kpis = Object.fromEntries(
    kpiNames.map((name) => [name, customers.filter((c) => c.kpis.includes(name)).length]),
  ) as Record<KpiName, number>;
  return { asOf, customers, orderRows, kpis, lowAssignment: cohorts };
}

// ---------------------------------------------------------------------------------------------
// §4.2 filters: OR inside a facet, AND across facets.
// ---------------------------------------------------------------------------------------------

export type SubscriptionType = 'trial' | 'paid';
export type ListFilter = {
  status?: CustomerStatus[];
  product?: Product[];
  type?: SubscriptionType[];
  tag?: string[];
};

export function matchesFilter(row: ListRow, filter: ListFilter): boolean {
  const anyOf = <T>(chosen: T[] | undefined, holds: (value: T) => boolean) =>
    !chosen || chosen.length === 0 || chosen.some(holds);
  return (
    anyOf(filter.status, (status) => row.statuses.includes(status)) &&
    anyOf(filter.product, (product) => row.products.includes(product)) &&
    // Subscription type: `trial` = a trial active at asOf, `paid` = a paid subscription active at asOf.
    anyOf(filter.type, (type) => row.statuses.includes(type === 'trial' ? 'trial' : 'subscription')) &&
    anyOf(filter.tag, (tag) => row.tags.includes(tag))
  );
}

export function filterQuery(filter: ListFilter): string {
  return (['status', 'product', 'type', 'tag'] as const)
    .filter((facet) => filter[facet] && (filter[facet] ?? []).length > 0)
    .map((facet) => `${facet}=${encodeURIComponent((filter[facet] ?? []).join(','))}`)
    .join('&');
}

// ---------------------------------------------------------------------------------------------
// Diagnostics: why the model says what it says about one customer.
// ---------------------------------------------------------------------------------------------

/** The customer's records of the document, one JSON record per line. */
export function documentSlice(document: PortfolioDocument, customerId: string): string {
  const subscriptionIds = new Set(
    document.subscriptions.filter((s) => s.customerId === customerId).map((s) => s.id),
  );
  const lines = [
    ...document.customers.filter((c) => c.id === customerId).map((c) => `customer     ${JSON.stringify(c)}`),
    ...document.subscriptions
      .filter((s) => subscriptionIds.has(s.id))
      .map((s) => `subscription ${JSON.stringify(s)}`),
    ...document.usage
      .filter((u) => subscriptionIds.has(u.subscriptionId))
      .map((u) => `usage        ${JSON.stringify(u)}`),
    ...document.invoices
      .filter((i) => subscriptionIds.has(i.subscriptionId))
      .map((i) => `invoice      ${JSON.stringify(i)}`),
    ...document.signIns
      .filter((s) => s.customerId === customerId)
      .map((s) => `signIn       ${JSON.stringify(s)}`),
    ...document.orders
      .filter((o) => subscriptionIds.has(o.subscriptionId))
      .map((o) => `order        ${JSON.stringify(o)}`),
  ];
  return lines.join('\n');
}

/** Per subscription: effective end, whether active, and per product purchased vs assigned(asOf). */
export function explainCustomer(
  document: PortfolioDocument,
  model: ReferenceModel,
  customerId: string,
): string {
  const lines = document.subscriptions
    .filter((s) => s.customerId === customerId)
    .map((s) => {
      const usedProducts = products.filter(
        (p) =>
          purchasedOf(s, p) > 0 ||
          assignedAt(document, s.id, p, model.asOf) > 0 ||
          lineProducts(s).includes(p),
      );
      const perProduct = usedProducts
        .map(
          (p) =>
            `${p} ${assignedAt(document, s.id, p, model.asOf)}/${purchasedOf(s, p)}${lineProducts(s).includes(p) ? '' : ' (no line)'}`,
        )
        .join(', ');
      return `${s.id}: ${s.kind} ${s.status}, effective end ${effectiveEnd(s, model.asOf)}, ${isActiveAt(s, model.asOf) ? 'active' : 'not active'}${
        hasEndedAt(s, model.asOf) ? ', ended' : ''
      }; assigned/purchased at asOf: ${perProduct}`;
    });
  const { suspendAfterDays, noActivityDays } = defaultThresholds;
  const windowStart = addDays(model.asOf, -(noActivityDays - 1));
  const subscriptionIds = new Set(
    document.subscriptions.filter((s) => s.customerId === customerId).map((s) => s.id),
  );
  for (const invoice of document.invoices.filter((i) => subscriptionIds.has(i.subscriptionId))) {
    const unpaid = invoice.paidAt === null || utcDateOf(invoice.paidAt) > model.asOf;
    const overdue = unpaid && addDays(invoice.dueDate, suspendAfterDays) < model.asOf;
    lines.push(
      `${invoice.number} of ${invoice.subscriptionId}: ${unpaid ? 'unpaid' : 'paid'} at asOf, due ${invoice.dueDate}${overdue ? `, more than ${suspendAfterDays} days overdue` : ''}`,
    );
  }
  const customer = document.customers.find((c) => c.id === customerId);
  if (customer) {
    const recent = document.signIns.filter(
      (s) => s.customerId === customerId && windowStart <= utcDateOf(s.at) && utcDateOf(s.at) <= model.asOf,
    );
    const old = customer.createdAt <= addDays(model.asOf, -noActivityDays);
    lines.push(
      `sign-ins dated ${windowStart}…${model.asOf}: ${recent.length}; createdAt ${customer.createdAt} ${old ? '≤' : '>'} asOf − ${noActivityDays}`,
    );
  }
  for (const cohort of model.lowAssignment) {
    const mine = cohort.members.filter((m) => m.customerId === customerId);
    if (mine.length === 0) continue;
    lines.push(
      `low assignment (${cohort.product}): cohort of ${cohort.members.length}, p25 ${cohort.p25}, p50 ${cohort.p50}; ` +
        mine
          .map(
            (m) =>
              `${m.subscriptionId} ratio ${m.ratio} started ${m.startDate}${m.flagged ? ' FLAGGED' : ''}`,
          )
          .join('; '),
    );
  }
  return lines.join('\n');
}
