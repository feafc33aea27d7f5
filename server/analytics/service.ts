import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../db/schema';
import {
  analyticsRowFields,
  analyticsSections,
  defaultSectionSort,
  type AnalyticsOverview,
  type AnalyticsRowField,
  type AnalyticsSection,
  type analyticsQuery,
  type analyticsRowsQuery,
} from '../../contract/analytics';
import { customerScope, type PartnerCaller } from '../auth/caller';
import { addDays, todayUtc } from '../dates';
import { toCsv } from '../http/csv';
import { trendAt } from '../portfolio/queries';
import { sectionPage, sectionsOverview, type SectionSort } from './queries';

export type AnalyticsDeps = { db: Kysely<DB> };

/** The overview shows this many rows of each section; the rest are a page away. */
const overviewRows = 100;
/** SPEC §10.1: weekly points, asOf − 77 … asOf. */
const trendPoints = 12;

function sortOf(section: AnalyticsSection, sort: string | undefined): SectionSort {
  const text = sort ?? defaultSectionSort[section];
  const descending = text.startsWith('-');
  return { field: (descending ? text.slice(1) : text) as AnalyticsRowField, descending };
}

function paramsOf(caller: PartnerCaller, query: z.output<typeof analyticsQuery>) {
  return { scope: customerScope(caller), asOf: query.asOf ?? todayUtc(), product: query.product };
}

export async function analyticsOverview(
  deps: AnalyticsDeps,
  input: { caller: PartnerCaller; query: z.output<typeof analyticsQuery> },
): Promise<AnalyticsOverview> {
  const params = paramsOf(input.caller, input.query);
  const dates = Array.from({ length: trendPoints }, (_, index) =>
    addDays(params.asOf, 7 * (index - trendPoints + 1)),
  );
  const trend = await trendAt(deps.db, { ...params, dates });
  const sorts = Object.fromEntries(
    analyticsSections.map((section) => [section, sortOf(section, undefined)]),
  ) as Record<AnalyticsSection, SectionSort>;
  const sections = await sectionsOverview(deps.db, {
    ...params,
    sections: analyticsSections,
    sorts,
    limit: overviewRows,
  });
  return {
    asOf: params.asOf,
    product: params.product,
    trend,
    ...(sections as Omit<AnalyticsOverview, 'asOf' | 'product' | 'trend'>),
  };
}

export async function analyticsRows(
  deps: AnalyticsDeps,
  input: { caller: PartnerCaller; section: AnalyticsSection; query: z.output<typeof analyticsRowsQuery> },
) {
  const { query, section } = input;
  return sectionPage(deps.db, {
    ...paramsOf(input.caller, query),
    section,
    sort: sortOf(section, query.sort),
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  });
}

export async function analyticsCsv(
  deps: AnalyticsDeps,
  input: { caller: PartnerCaller; section: AnalyticsSection; query: z.output<typeof analyticsRowsQuery> },
) {
  const { query, section } = input;
  const params = paramsOf(input.caller, query);
  const { items } = await sectionPage(deps.db, { ...params, section, sort: sortOf(section, query.sort) });
  return {
    asOf: params.asOf,
    csv: toCsv(
      [...analyticsRowFields],
      items.map((row) => analyticsRowFields.map((field) => row[field])),
    ),
  };
}
