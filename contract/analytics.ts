import { z } from 'zod';
import { analyticsProducts, asOfDate, isoDate, listOf, page, pageSize } from './common';

// SPEC §10–11: subscription analytics for meetings or calling at asOf. Ratios are fractions (0.8125 is 81 %); a
// ratio over nothing is null, never 0.

export const analyticsSections = [
  'recentlyAdded',
  'expiring',
  'renewing',
  'lowAssignment',
  'overage',
] as const;
export type AnalyticsSection = (typeof analyticsSections)[number];

/** Every field of a section row, in this order (also the CSV columns). */
export const analyticsRowFields = [
  'customerId',
  'externalId',
  'customerName',
  'subscriptionId',
  'kind',
  'autoRenew',
  'startDate',
  'endDate',
  'purchased',
  'assigned',
  'used',
  'available',
  'used90d',
  'assignedRatio',
  'usedRatio',
  'daysSinceAdded',
  'daysUntilEnd',
  'monthsSinceAdded',
  'monthsRemaining',
  'weeklyAssignmentChange',
  'weeklyUsageChange',
] as const;
export type AnalyticsRowField = (typeof analyticsRowFields)[number];

const count = z.number().int();
const ratio = z.number().nullable();

/** One subscription of a section; usage figures at asOf, `endDate` is the effective end. */
export const analyticsRow = z.object({
  customerId: z.string(),
  externalId: z.string().nullable(),
  customerName: z.string(),
  subscriptionId: z.string(),
  kind: z.enum(['paid', 'trial']),
  autoRenew: z.boolean(),
  startDate: isoDate,
  endDate: isoDate,
  purchased: count,
  assigned: count,
  used: count,
  available: count,
  used90d: count,
  assignedRatio: ratio,
  usedRatio: ratio,
  daysSinceAdded: count,
  daysUntilEnd: count,
  monthsSinceAdded: count,
  monthsRemaining: count,
  weeklyAssignmentChange: count,
  weeklyUsageChange: count,
});
export type AnalyticsRow = z.infer<typeof analyticsRow>;

export const analyticsRows = listOf(analyticsRow);

export const sectionKpis = {
  recentlyAdded: z.object({ customers: count, licenses: count }),
  expiring: z.object({ customers: count, assignedRatio: ratio, usedRatio: ratio }),
  renewing: z.object({ customers: count, assignedRatio: ratio, usedRatio: ratio }),
  lowAssignment: z.object({ customers: count, assignedRatio: ratio, usedRatio: ratio, unassigned: count }),
  overage: z.object({ customers: count, licenses: count, average: ratio }),
} as const;

const section = <K extends z.ZodType>(kpis: K) => z.object({ kpis, rows: analyticsRows });

export const trendPoint = z.object({ date: isoDate, purchased: count, assigned: count, used: count });

export const analyticsOverview = z.object({
  asOf: isoDate,
  product: z.enum(analyticsProducts),
  trend: z.array(trendPoint),
  recentlyAdded: section(sectionKpis.recentlyAdded),
  expiring: section(sectionKpis.expiring),
  renewing: section(sectionKpis.renewing),
  lowAssignment: section(sectionKpis.lowAssignment),
  overage: section(sectionKpis.overage),
});
export type AnalyticsOverview = z.infer<typeof analyticsOverview>;

export const analyticsQuery = z.object({
  product: z.enum(analyticsProducts).default('meetings'),
  asOf: asOfDate.optional(),
});

export const analyticsSectionParams = z.object({ section: z.enum(analyticsSections) });

/** How each section is ordered unless `sort` says otherwise. */
export const defaultSectionSort: Record<AnalyticsSection, string> = {
  recentlyAdded: 'daysSinceAdded',
  expiring: 'daysUntilEnd',
  renewing: 'daysUntilEnd',
  lowAssignment: 'assignedRatio',
  overage: '-assignedRatio',
};

export const analyticsRowsQuery = analyticsQuery.extend({
  page,
  pageSize,
  sort: z
    .string()
    .regex(
      new RegExp(`^-?(${analyticsRowFields.join('|')})$`),
      `must be a row field (${analyticsRowFields.join(', ')}), optionally prefixed with - for descending`,
    )
    .optional(),
});
export type AnalyticsRowsQuery = z.input<typeof analyticsRowsQuery>;
