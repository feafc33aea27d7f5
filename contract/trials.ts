import { z } from 'zod';
import { email, isoDate, products, subscriptionStatuses } from './common';

// SPEC §4.3: start, edit, extend and cancel a trial.
export const trialDurations = [30, 60, 90] as const;
export const trialMaxLicenses = 1000;

export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code such as SE');

export const trialProduct = z.object({
  product: z.enum(products),
  licenses: z
    .number()
    .int()
    .min(1, 'needs at least 1 license')
    .max(trialMaxLicenses, `can have at most ${trialMaxLicenses} licenses`),
});

export const trialProducts = z
  .array(trialProduct)
  .min(1, 'choose at least one product')
  .max(products.length)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((item, index) => {
      if (seen.has(item.product))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'product'],
          message: `${item.product} is listed twice`,
        });
      seen.add(item.product);
    });
  });

export const startTrialBody = z
  .object({
    companyName: z.string().trim().min(1).max(200).optional(),
    adminEmail: email,
    adminName: z.string().trim().min(1).max(200).optional(),
    country: countryCode.optional(),
    products: trialProducts,
    durationDays: z
      .number()
      .int()
      .refine(
        (days) => (trialDurations as readonly number[]).includes(days),
        `must be one of ${trialDurations.join(', ')}`,
      ),
    // A trial for a customer that exists already; then companyName and country are not needed.
    customerId: z.string().max(100).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.customerId !== undefined) return;
    if (body.companyName === undefined)
      ctx.addIssue({ code: 'custom', path: ['companyName'], message: 'is required for a new customer' });
    if (body.country === undefined)
      ctx.addIssue({ code: 'custom', path: ['country'], message: 'is required for a new customer' });
  });
export type StartTrialBody = z.output<typeof startTrialBody>;

export const editTrialBody = z.object({ products: trialProducts });

export const trial = z.object({
  subscriptionId: z.string(),
  customerId: z.string(),
  status: z.enum(subscriptionStatuses),
  startDate: isoDate,
  endDate: isoDate,
  daysLeft: z.number().int(),
  extended: z.boolean(),
  products: z.array(z.object({ product: z.enum(products), licenses: z.number().int() })),
});
export type Trial = z.infer<typeof trial>;

/** A link the new customer administrator opens to set a password (there is no mail server to send it). */
export const invitationLink = z.object({ email: z.string(), url: z.string() });

export const startTrialAnswer = z.object({
  customerId: z.string(),
  subscriptionId: z.string(),
  trial,
  invitation: invitationLink.nullable(),
});
