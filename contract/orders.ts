import { z } from 'zod';
import { email, listOf, orderTypes, page, pageSize, products } from './common';
import { countryCode, invitationLink } from './trials';

// SPEC §7: orders and order setup.
export const orderStatuses = ['pending_setup', 'set_up'] as const;

export const orderListQuery = z.object({ status: z.enum(orderStatuses).optional(), page, pageSize });

export const order = z.object({
  number: z.string(),
  type: z.enum(orderTypes),
  subscriptionId: z.string(),
  customerName: z.string(),
  contactEmail: z.string(),
  requestedStartDate: z.string(),
  termMonths: z.number().int(),
  autoRenew: z.boolean(),
  lines: z.array(z.object({ product: z.enum(products), sku: z.string(), quantity: z.number().int() })),
  status: z.enum(orderStatuses),
  customerId: z.string().nullable(),
  receivedAt: z.string(),
  setUpAt: z.string().nullable(),
});
export type Order = z.infer<typeof order>;
export const orderList = listOf(order);

export const orderSuggestion = z.object({
  customerId: z.string(),
  name: z.string(),
  reason: z.enum(['email_domain', 'name']),
});
export const orderDetail = order.extend({ suggestions: z.array(orderSuggestion) });

export const orderSetupBody = z
  .object({
    customerId: z.string().max(100).optional(),
    newCustomer: z.object({ name: z.string().trim().min(1).max(200), country: countryCode }).optional(),
    // The provisioning contact, confirmed or corrected; the order's contact when left out.
    contactEmail: email.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.customerId === undefined) === (body.newCustomer === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: 'give either customerId (an existing customer) or newCustomer, not both',
      });
    }
  });

export const orderSetupAnswer = z.object({
  customerId: z.string(),
  subscriptionId: z.string(),
  invitation: invitationLink.nullable(),
});
