import { z } from 'zod';

export const products = [
  'meetings',
  'calling',
  'messaging',
  'translation',
  'contact_center',
  'devices',
] as const;
export type Product = (typeof products)[number];
export const analyticsProducts = ['meetings', 'calling'] as const;
export type AnalyticsProduct = (typeof analyticsProducts)[number];

/** In the order of SPEC §4.1: a customer's `statuses` array follows it. */
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

export const partnerRoles = ['partner_full_admin', 'partner_admin', 'partner_readonly_admin'] as const;
export type PartnerRole = (typeof partnerRoles)[number];
export const customerRoles = ['customer_full_admin', 'customer_readonly_admin'] as const;
export type CustomerRole = (typeof customerRoles)[number];

export const subscriptionKinds = ['paid', 'trial'] as const;
export const subscriptionStatuses = ['pending_setup', 'active', 'suspended', 'cancelled'] as const;
export const orderTypes = ['new', 'modify', 'renewal', 'cancel'] as const;
export const tokenScopes = ['read', 'ingest'] as const;
export type TokenScope = (typeof tokenScopes)[number];

/** `error.code` of every error answer; the web app says what each means in the reader's language. */
export const errorCodes = [
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'database_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

// A 50 000-row usage batch holds a few distinct dates: each is checked once, not once per row.
const calendarDates = new Map<string, boolean>();
function isCalendarDate(value: string): boolean {
  let known = calendarDates.get(value);
  if (known === undefined) {
    const date = new Date(`${value}T00:00:00Z`);
    known = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
    if (calendarDates.size >= 10_000) calendarDates.clear();
    calendarDates.set(value, known);
  }
  return known;
}

/** A real calendar date, YYYY-MM-DD (2025-02-30 is refused). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a real calendar date')
  .refine(
    (value) => value >= '1900-01-01' && value <= '9999-12-31',
    'must be a date from 1900-01-01 to 9999-12-31',
  );

/** The longest term a subscription may have, in months. */
export const maxTermMonths = 120;

/**
 * A reporting date (`asOf`). Up to 9989-12-31: an auto-renewing subscription's effective end is the end of the term
 * asOf falls in, at most maxTermMonths later, and every date an answer holds must still be a date.
 */
export const latestAsOf = '9989-12-31';
export const asOfDate = isoDate.refine(
  (value) => value <= latestAsOf,
  `must be a date on or before ${latestAsOf}, so that every term it falls in ends by 9999-12-31`,
);

/** An instant in UTC, ISO 8601 with a time zone (2025-11-19T08:12:00Z). */
export const isoInstant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 timestamp with a time zone',
});

export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an e-mail address' }))
  .transform((value) => value.toLowerCase());

export const page = z.coerce.number().int().min(1).max(1_000_000).default(1);
export const pageSize = z.coerce.number().int().min(1).max(1000).default(50);

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int() });
}
