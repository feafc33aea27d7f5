import { z } from 'zod';
import { countryCode } from './trials';

// SPEC §3: accepting an invitation (a partner's first administrator, or a customer administrator).
export const invitationView = z.object({
  email: z.string(),
  kind: z.enum(['partner', 'customer_admin']),
  /** The partner's own plan; null for a customer administrator. */
  plan: z.object({ name: z.string(), products: z.array(z.string()) }).nullable(),
  termsVersion: z.string(),
  /** The customer organization a customer administrator joins; null for a partner invitation. */
  organization: z.object({ name: z.string() }).nullable(),
});

export const acceptInvitationBody = z.object({
  name: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(1024),
  // A partner invitation also needs these; a customer administrator's doesn't.
  organizationName: z.string().trim().min(1).max(200).optional(),
  country: countryCode.optional(),
  acceptTerms: z.boolean().optional(),
});

/** The status thresholds in days (SUSPEND_AFTER_DAYS, EXPIRING_SOON_DAYS, NO_ACTIVITY_DAYS; SPEC §4.1). */
export const statusSettings = z.object({
  suspendAfterDays: z.number().int(),
  expiringSoonDays: z.number().int(),
  noActivityDays: z.number().int(),
});

/** The same answer as sign-in: who is signed in, the CSRF token for writes, and the status thresholds. */
export const sessionAnswer = z.object({
  user: z
    .object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), orgId: z.string() })
    .nullable(),
  token: z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()) }).nullable(),
  partner: z.object({ id: z.string(), name: z.string(), termsAcceptedAt: z.string().nullable() }).nullable(),
  csrfToken: z.string().nullable(),
  settings: statusSettings,
});
