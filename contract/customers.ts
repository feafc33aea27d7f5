import { z } from 'zod';
import { asOfDate, customerStatuses, listOf, page, pageSize, products } from './common';

/** `a,b,c` → ['a','b','c'], each checked against the facet's values. */
function commaList<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .max(2000)
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)))
    .optional();
}

export const customerSortKeys = ['name', 'status', 'nextEndDate', 'licenses', 'lastActivity'] as const;
export const kpiNames = [
  'totalCustomers',
  'approachingExpiration',
  'approachingRenewal',
  'lowAssignment',
  'exceedingLimit',
] as const;

export const customerListQuery = z.object({
  status: commaList(customerStatuses),
  product: commaList(products),
  type: commaList(['trial', 'paid'] as const),
  managedBy: commaList(['me', 'partner', 'external'] as const),
  tag: z
    .string()
    .max(2000)
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .optional(),
  q: z.string().max(200).optional(),
  kpi: z.enum(kpiNames).optional(),
  sort: z
    .string()
    .regex(
      new RegExp(`^-?(${customerSortKeys.join('|')})$`),
      `must be one of ${customerSortKeys.join(', ')}, optionally prefixed with - for descending`,
    )
    .default('name'),
  page,
  pageSize,
  asOf: asOfDate.optional(),
});
export type CustomerListQuery = z.input<typeof customerListQuery>;

export const customerListItem = z.object({
  id: z.string().nullable(),
  externalId: z.string().nullable(),
  name: z.string(),
  country: z.string().nullable(),
  statuses: z.array(z.enum(customerStatuses)),
  products: z.array(z.enum(products)),
  licenses: z.object({ purchased: z.number().int(), assigned: z.number().int() }),
  nextEndDate: z.string().nullable(),
  lastAdminSignInAt: z.string().nullable(),
  tags: z.array(z.string()),
  managedBy: z.array(z.enum(['me', 'partner', 'external'])),
  order: z
    .object({
      number: z.string().nullable(),
      subscriptionId: z.string(),
      contactEmail: z.string().nullable(),
      requestedStartDate: z.string(),
    })
    .nullable(),
});
export type CustomerListItem = z.infer<typeof customerListItem>;
export const customerList = listOf(customerListItem);

const productLicenses = z.object({
  product: z.enum(products),
  purchased: z.number().int(),
  assigned: z.number().int(),
  used: z.number().int(),
  available: z.number().int(),
  overage: z.number().int(),
});

export const invoice = z.object({
  number: z.string(),
  amount: z.number(),
  currency: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  dueDate: z.string(),
  paidAt: z.string().nullable(),
  overdue: z.boolean(),
});

export const orderHistoryItem = z.object({
  number: z.string(),
  type: z.enum(['new', 'modify', 'renewal', 'cancel']),
  requestedStartDate: z.string(),
  receivedAt: z.string(),
  lines: z.array(z.object({ product: z.string(), sku: z.string(), quantity: z.number().int() })),
});

export const customerSubscription = z.object({
  id: z.string(),
  kind: z.enum(['paid', 'trial']),
  status: z.enum(['pending_setup', 'active', 'suspended', 'cancelled']),
  active: z.boolean(),
  startDate: z.string(),
  endDate: z.string(),
  effectiveEnd: z.string(),
  autoRenew: z.boolean(),
  termMonths: z.number().int(),
  extended: z.boolean(),
  daysLeft: z.number().int(),
  licenses: z.array(productLicenses),
  invoices: z.array(invoice),
  orders: z.array(orderHistoryItem),
});

export const customerDetail = customerListItem.extend({
  createdAt: z.string().nullable(),
  subscriptions: z.array(customerSubscription),
  trials: z.array(customerSubscription),
  admins: z.array(
    z.object({
      email: z.string(),
      name: z.string(),
      role: z.string().nullable(),
      lastSignInAt: z.string().nullable(),
    }),
  ),
  externalAdmins: z.array(z.object({ email: z.string(), name: z.string(), addedAt: z.string() })),
  partnerAdmins: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      email: z.string(),
      role: z.string(),
      source: z.string().nullable(),
      allCustomers: z.boolean(),
    }),
  ),
});
export type CustomerDetail = z.infer<typeof customerDetail>;

export const kpis = z.object({
  totalCustomers: z.number().int(),
  approachingExpiration: z.number().int(),
  approachingRenewal: z.number().int(),
  lowAssignment: z.number().int(),
  exceedingLimit: z.number().int(),
});
export const asOfQuery = z.object({ asOf: asOfDate.optional() });
