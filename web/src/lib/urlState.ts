import type { CustomerStatus, Product } from './types';
import type { QueryValue } from './api';

// Kept local (not imported from contract/common) so the browser bundle does not pull zod in for three arrays;
// test/web/urlState.test.ts checks they match the contract.
export const statusOrder: readonly CustomerStatus[] = [
  'suspended',
  'license_overage',
  'expiring_soon',
  'ready_for_order_setup',
  'no_recent_activity',
  'trial',
  'subscription',
  'expired',
];
export const productList: readonly Product[] = [
  'meetings',
  'calling',
  'messaging',
  'translation',
  'contact_center',
  'devices',
];
export const managedByValues = ['me', 'partner', 'external'] as const;
export type ManagedBy = (typeof managedByValues)[number];
export const subscriptionTypes = ['trial', 'paid'] as const;
export type SubscriptionType = (typeof subscriptionTypes)[number];
export const sortFields = ['name', 'status', 'nextEndDate', 'licenses', 'lastActivity'] as const;
export type SortField = (typeof sortFields)[number];
export type CustomerSort = SortField | `-${SortField}`;
export const pageSizes = [25, 50, 100] as const;
export const defaultPageSize = 50;
export const defaultSort: CustomerSort = 'name';

/** SPEC §9 KPIs; the list API filters by `kpi=` to show exactly the customers behind one. */
export const listKpis = [
  'totalCustomers',
  'approachingExpiration',
  'approachingRenewal',
  'lowAssignment',
  'exceedingLimit',
] as const;
export type ListKpi = (typeof listKpis)[number];

/** The customer list's state as it lives in the URL; absent fields are defaults. */
export type CustomerSearch = {
  q?: string;
  status?: CustomerStatus[];
  product?: Product[];
  type?: SubscriptionType[];
  managedBy?: ManagedBy[];
  tag?: string[];
  sort?: CustomerSort;
  page?: number;
  pageSize?: number;
  kpi?: ListKpi;
};

export type FacetKey = 'status' | 'product' | 'type' | 'managedBy' | 'tag';
export const facetKeys: readonly FacetKey[] = ['managedBy', 'product', 'status', 'type', 'tag'];

/** Router search parser: every value stays a string; typing happens in each route's validator. */
export function parseSearchString(search: string): Record<string, string> {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const result: Record<string, string> = {};
  for (const [key, value] of params) result[key] = value;
  return result;
}

/** Router search serializer: arrays become comma lists (the API's own format), empties vanish. */
export function stringifySearchObject(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.map(String).join(','));
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function listFrom(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  const seen = new Set<string>();
  for (const part of parts) {
    const trimmed = part.trim();
    if (trimmed) seen.add(trimmed);
  }
  return [...seen];
}

function pick<T extends string>(value: unknown, allowed: readonly T[]): T[] {
  return listFrom(value).filter((item): item is T => (allowed as readonly string[]).includes(item));
}

function positiveInt(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(number) && number >= 1 ? number : undefined;
}

function isSort(value: unknown): value is CustomerSort {
  if (typeof value !== 'string') return false;
  const field = value.startsWith('-') ? value.slice(1) : value;
  return (sortFields as readonly string[]).includes(field);
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

export function parseCustomerSearch(raw: Record<string, unknown>): CustomerSearch {
  const q = typeof raw.q === 'string' ? raw.q.trim().slice(0, 200) : '';
  const page = positiveInt(raw.page);
  const pageSize = positiveInt(raw.pageSize);
  const kpi =
    typeof raw.kpi === 'string' && (listKpis as readonly string[]).includes(raw.kpi)
      ? (raw.kpi as ListKpi)
      : undefined;
  const search: CustomerSearch = {
    q: q || undefined,
    status: nonEmpty(pick(raw.status, statusOrder)),
    product: nonEmpty(pick(raw.product, productList)),
    type: nonEmpty(pick(raw.type, subscriptionTypes)),
    managedBy: nonEmpty(pick(raw.managedBy, managedByValues)),
    tag: nonEmpty(
      listFrom(raw.tag)
        .map((tag) => tag.slice(0, 25))
        .slice(0, 20),
    ),
    sort: isSort(raw.sort) && raw.sort !== defaultSort ? raw.sort : undefined,
    page: page !== undefined && page > 1 ? page : undefined,
    pageSize:
      pageSize !== undefined &&
      pageSize !== defaultPageSize &&
      (pageSizes as readonly number[]).includes(pageSize)
        ? pageSize
        : undefined,
    kpi,
  };
  return compactSearch(search);
}

function compactSearch(search: CustomerSearch): CustomerSearch {
  const result: CustomerSearch = {};
  for (const [key, value] of Object.entries(search) as [keyof CustomerSearch, unknown][]) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    (result as Record<string, unknown>)[key] = value;
  }
  return result;
}

/** A KPI drill-down starts from the KPI alone (keeping sort and page size). */
export function kpiSearch(search: CustomerSearch, kpi: ListKpi | undefined): CustomerSearch {
  return parseCustomerSearch({ kpi, sort: search.sort, pageSize: search.pageSize });
}

/** Facets narrow the list further (AND), also inside a KPI drill-down; back to page 1. */
export function withFacet(search: CustomerSearch, facet: FacetKey, values: string[]): CustomerSearch {
  const next: CustomerSearch = { ...search, page: undefined };
  (next as Record<string, unknown>)[facet] = values.length > 0 ? values : undefined;
  return parseCustomerSearch(next as Record<string, unknown>);
}

export function withQuery(search: CustomerSearch, q: string): CustomerSearch {
  return parseCustomerSearch({ ...search, q, page: undefined } as Record<string, unknown>);
}

export function withSort(search: CustomerSearch, sort: CustomerSort): CustomerSearch {
  return parseCustomerSearch({ ...search, sort, page: undefined } as Record<string, unknown>);
}

/** Clicking a column header: first ascending, then descending. */
export function toggleSort(current: CustomerSort | undefined, field: SortField): CustomerSort {
  const active = current ?? defaultSort;
  return active === field ? `-${field}` : field;
}

export function sortState(current: CustomerSort | undefined): { field: SortField; descending: boolean } {
  const active = current ?? defaultSort;
  return active.startsWith('-')
    ? { field: active.slice(1) as SortField, descending: true }
    : { field: active as SortField, descending: false };
}

export function withPage(search: CustomerSearch, page: number, pageSize?: number): CustomerSearch {
  return parseCustomerSearch({ ...search, page, pageSize: pageSize ?? search.pageSize } as Record<
    string,
    unknown
  >);
}

export function clearFilters(search: CustomerSearch): CustomerSearch {
  return parseCustomerSearch({ sort: search.sort, pageSize: search.pageSize });
}

export function hasFilters(search: CustomerSearch): boolean {
  return Boolean(search.q || search.kpi || facetKeys.some((key) => (search[key]?.length ?? 0) > 0));
}

/** Query parameters for GET /customers (paged) or /customers.csv (the whole filtered, sorted list). */
export function customerApiParams(search: CustomerSearch, paged: boolean): Record<string, QueryValue> {
  const active = search;
  const params: Record<string, QueryValue> = {
    status: active.status,
    product: active.product,
    type: active.type,
    managedBy: active.managedBy,
    tag: active.tag,
    q: active.q,
    kpi: active.kpi,
    sort: active.sort ?? defaultSort,
  };
  if (paged) {
    params.page = active.page ?? 1;
    params.pageSize = active.pageSize ?? defaultPageSize;
  }
  return params;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** "51–100 of 1,234" in numbers: the first and last row shown. */
export function pageRange(page: number, pageSize: number, total: number): { from: number; to: number } {
  if (total === 0) return { from: 0, to: 0 };
  const from = (page - 1) * pageSize + 1;
  return { from: Math.min(from, total), to: Math.min(page * pageSize, total) };
}
