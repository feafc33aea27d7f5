// API shapes from the shared contract, as types only (zod stays out of the browser bundle).
import type { z } from 'zod';
import type {
  AnalyticsRowField,
  AnalyticsSection,
  analyticsOverview,
  analyticsRow,
  trendPoint,
} from '../../../../contract/analytics';

export type { AnalyticsRowField, AnalyticsSection };
export type AnalyticsOverview = z.infer<typeof analyticsOverview>;
export type AnalyticsRow = z.infer<typeof analyticsRow>;
export type TrendPoint = z.infer<typeof trendPoint>;
export type AnalyticsProduct = AnalyticsOverview['product'];
export type SectionKpis<S extends AnalyticsSection> = AnalyticsOverview[S]['kpis'];
