import type { ImportDocument } from '../../contract/import';
import { addDays } from '../../server/dates';

export const asOf = '2026-03-15';
export const daysFromAsOf = (days: number) => addDays(asOf, days);

type Subscription = NonNullable<ImportDocument['subscriptions']>[number];

let counter = 0;
const nextId = (prefix: string) => `${prefix}${++counter}`;

/** A customer created long ago, recently signed in, with one subscription shaped by `subscription`. */
export function customerWith(options: {
  name?: string;
  createdAt?: string;
  tags?: string[];
  signIns?: string[];
  subscriptions?: Partial<Subscription>[];
  usage?: {
    product?: string;
    date: string;
    assigned: number;
    used?: number;
    used90d?: number;
    subscription?: number;
  }[];
  invoices?: { dueDate: string; paidAt: string | null; subscription?: number }[];
}): { id: string; subscriptionIds: string[]; document: Required<ImportDocument> } {
  const id = nextId('cust-');
  const subscriptions = (options.subscriptions ?? [{}]).map((overrides) => ({
    id: nextId('Sub'),
    customerId: id,
    kind: 'paid' as const,
    status: 'active' as const,
    startDate: daysFromAsOf(-200),
    endDate: daysFromAsOf(200),
    autoRenew: false,
    termMonths: 12,
    lines: [{ product: 'meetings' as const, sku: 'A-MTG', quantity: 50 }],
    ...overrides,
  }));
  const subscriptionIds = subscriptions.map((s) => s.id);
  return {
    id,
    subscriptionIds,
    document: {
      customers: [
        {
          id,
          name: options.name ?? `Customer ${id}`,
          country: 'SE',
          createdAt: options.createdAt ?? daysFromAsOf(-400),
          tags: options.tags ?? [],
          admins: [{ email: `admin@${id}.example`, name: 'Admin' }],
        },
      ],
      subscriptions,
      usage: (options.usage ?? []).map((u) => ({
        subscriptionId: subscriptionIds[u.subscription ?? 0] as string,
        product: (u.product ?? 'meetings') as 'meetings',
        date: u.date,
        assigned: u.assigned,
        used: u.used ?? 0,
        used90d: u.used90d ?? 0,
      })),
      signIns: (options.signIns ?? [`${daysFromAsOf(-1)}T09:00:00Z`]).map((at) => ({
        customerId: id,
        email: `admin@${id}.example`,
        at,
      })),
      invoices: (options.invoices ?? []).map((inv) => ({
        number: nextId('INV-'),
        subscriptionId: subscriptionIds[inv.subscription ?? 0] as string,
        amount: 100,
        currency: 'EUR',
        periodStart: daysFromAsOf(-90),
        periodEnd: daysFromAsOf(-60),
        dueDate: inv.dueDate,
        paidAt: inv.paidAt,
      })),
      orders: [],
    },
  };
}

/** Several single-customer documents as one import document. */
export function combine(...parts: { document: Required<ImportDocument> }[]): Required<ImportDocument> {
  return {
    customers: parts.flatMap((p) => p.document.customers),
    subscriptions: parts.flatMap((p) => p.document.subscriptions),
    usage: parts.flatMap((p) => p.document.usage),
    signIns: parts.flatMap((p) => p.document.signIns),
    invoices: parts.flatMap((p) => p.document.invoices),
    orders: parts.flatMap((p) => p.document.orders),
  };
}
