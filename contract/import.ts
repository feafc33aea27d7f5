import { z } from 'zod';
import {
  email,
  isoDate,
  isoInstant,
  maxTermMonths,
  orderTypes,
  products,
  subscriptionKinds,
  subscriptionStatuses,
} from './common';

// SPEC §11: the import document. `id` fields are the sender's own identifiers.
const id = z.string().trim().min(1).max(100);
const text = (max: number) => z.string().trim().min(1).max(max);
const count = z.number().int().min(0).max(10_000_000);

export const subscriptionLine = z.object({
  product: z.enum(products),
  sku: text(64),
  quantity: count,
});

export const importCustomer = z.object({
  id,
  name: text(200),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code such as SE'),
  createdAt: isoDate,
  tags: z.array(text(25)).max(5).default([]),
  admins: z
    .array(z.object({ email, name: text(200) }))
    .max(100)
    .default([]),
});

export const importSubscription = z
  .object({
    id,
    customerId: id.nullable().default(null),
    kind: z.enum(subscriptionKinds),
    status: z.enum(subscriptionStatuses),
    startDate: isoDate,
    endDate: isoDate,
    autoRenew: z.boolean().default(false),
    termMonths: z.number().int().min(0).max(maxTermMonths).default(12),
    lines: z.array(subscriptionLine).min(1).max(50),
  })
  .superRefine((s, ctx) => {
    if (s.endDate < s.startDate)
      ctx.addIssue({
        code: 'custom',
        path: ['endDate'],
        message: `must be on or after startDate ${s.startDate}`,
      });
    if (s.kind === 'trial' && s.autoRenew)
      ctx.addIssue({ code: 'custom', path: ['autoRenew'], message: 'a trial never auto-renews' });
    if (s.kind === 'paid' && s.autoRenew && s.termMonths < 1)
      ctx.addIssue({
        code: 'custom',
        path: ['termMonths'],
        message: 'an auto-renewing subscription needs a term of at least 1 month',
      });
    if (s.status !== 'pending_setup' && s.customerId === null)
      ctx.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: 'is required unless the subscription is pending setup',
      });
  });

export const usageRecord = z.object({
  subscriptionId: id,
  product: z.enum(products),
  date: isoDate,
  assigned: count,
  used: count,
  used90d: count,
});

export const signInRecord = z.object({ customerId: id, email, at: isoInstant });

export const invoiceRecord = z
  .object({
    number: text(64),
    subscriptionId: id,
    amount: z.number().min(0).max(1e11),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as EUR'),
    periodStart: isoDate,
    periodEnd: isoDate,
    dueDate: isoDate,
    paidAt: isoInstant.nullable().default(null),
  })
  .superRefine((i, ctx) => {
    if (i.periodEnd < i.periodStart)
      ctx.addIssue({
        code: 'custom',
        path: ['periodEnd'],
        message: `must be on or after periodStart ${i.periodStart}`,
      });
  });

export const orderRecord = z.object({
  number: text(64),
  type: z.enum(orderTypes),
  subscriptionId: id,
  customerName: text(200),
  contactEmail: email,
  requestedStartDate: isoDate,
  termMonths: z.number().int().min(1).max(maxTermMonths).default(12),
  autoRenew: z.boolean().default(true),
  lines: z.array(subscriptionLine).max(50).default([]),
});

export const maxBatchRows = 50_000;

export const importDocument = z.object({
  customers: z.array(importCustomer).max(maxBatchRows).default([]),
  subscriptions: z.array(importSubscription).max(maxBatchRows).default([]),
  usage: z.array(usageRecord).max(1_000_000).default([]),
  signIns: z
    .array(signInRecord)
    .max(maxBatchRows * 4)
    .default([]),
  invoices: z
    .array(invoiceRecord)
    .max(maxBatchRows * 4)
    .default([]),
  orders: z.array(orderRecord).max(maxBatchRows).default([]),
});
export type ImportDocument = z.input<typeof importDocument>;
export type ParsedImportDocument = z.output<typeof importDocument>;

export const usageBatch = z.object({ usage: z.array(usageRecord).min(1).max(maxBatchRows) });
export const ordersBatch = z.object({ orders: z.array(orderRecord).min(1).max(maxBatchRows) });
export const invoicesBatch = z.object({ invoices: z.array(invoiceRecord).min(1).max(maxBatchRows) });
export const signInsBatch = z.object({ signIns: z.array(signInRecord).min(1).max(maxBatchRows) });

export const importCounts = z.object({
  customers: z.number().int(),
  subscriptions: z.number().int(),
  usage: z.number().int(),
  signIns: z.number().int(),
  invoices: z.number().int(),
  orders: z.number().int(),
});
export type ImportCounts = z.infer<typeof importCounts>;
