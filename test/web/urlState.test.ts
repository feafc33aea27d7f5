import { describe, expect, it } from 'vitest';
import { customerStatuses, products } from '../../contract/common';
import {
  clearFilters,
  customerApiParams,
  hasFilters,
  kpiSearch,
  pageRange,
  parseCustomerSearch,
  parseSearchString,
  productList,
  sortState,
  statusOrder,
  stringifySearchObject,
  toggleSort,
  withFacet,
  withPage,
  withQuery,
  withSort,
} from '../../web/src/lib/urlState';
import { buildQuery } from '../../web/src/lib/api';

function roundTrip(url: string) {
  return parseCustomerSearch(parseSearchString(url));
}

describe('customer list URL state', () => {
  it('keeps the browser lists in step with the contract', () => {
    expect(statusOrder).toEqual(customerStatuses);
    expect(productList).toEqual(products);
  });

  it('parses comma-separated facets, dropping unknown values and duplicates', () => {
    const search = roundTrip(
      '?status=trial,expiring_soon,bogus,trial&product=calling&type=paid&managedBy=me,external',
    );
    expect(search).toEqual({
      status: ['trial', 'expiring_soon'],
      product: ['calling'],
      type: ['paid'],
      managedBy: ['me', 'external'],
    });
  });

  it('drops defaults and invalid paging/sort so shared links stay short', () => {
    expect(roundTrip('?page=1&pageSize=50&sort=name')).toEqual({});
    expect(roundTrip('?page=0&pageSize=7&sort=colour')).toEqual({});
    expect(roundTrip('?page=3&pageSize=100&sort=-nextEndDate')).toEqual({
      page: 3,
      pageSize: 100,
      sort: '-nextEndDate',
    });
  });

  it('serialises arrays as comma lists and round-trips', () => {
    const search = parseCustomerSearch({
      status: ['trial', 'expiring_soon'],
      product: ['calling'],
      q: 'acme ab',
      page: 2,
    });
    const url = stringifySearchObject(search);
    expect(url).toBe('?q=acme+ab&status=trial%2Cexpiring_soon&product=calling&page=2');
    expect(roundTrip(url)).toEqual(search);
  });

  it('keeps tags verbatim (trimmed, max 25 chars)', () => {
    expect(roundTrip('?tag=%20nordics%20,enterprise').tag).toEqual(['nordics', 'enterprise']);
  });

  it('sends exactly the current filters and sort to the API; CSV has no paging', () => {
    const search = roundTrip('?status=trial,expiring_soon&product=calling&q=acme&sort=-licenses&page=2');
    expect(buildQuery(customerApiParams(search, true))).toBe(
      '?status=trial%2Cexpiring_soon&product=calling&q=acme&sort=-licenses&page=2&pageSize=50',
    );
    expect(buildQuery(customerApiParams(search, false))).toBe(
      '?status=trial%2Cexpiring_soon&product=calling&q=acme&sort=-licenses',
    );
  });

  it('drills down by KPI on the server and keeps narrowing facets', () => {
    const search = roundTrip('?kpi=exceedingLimit&sort=-name&status=trial');
    expect(customerApiParams(search, false)).toMatchObject({ kpi: 'exceedingLimit', status: ['trial'] });
    expect(kpiSearch(search, 'lowAssignment')).toEqual({ kpi: 'lowAssignment', sort: '-name' });
    expect(kpiSearch(search, undefined)).toEqual({ sort: '-name' });
    expect(withFacet(search, 'product', ['calling'])).toMatchObject({
      kpi: 'exceedingLimit',
      product: ['calling'],
    });
    expect(roundTrip('?kpi=nonsense')).toEqual({});
  });

  it('resets to page 1 when filters, search or sort change', () => {
    const search = roundTrip('?page=4&status=trial');
    expect(withFacet(search, 'status', []).page).toBeUndefined();
    expect(withQuery(search, 'beta').page).toBeUndefined();
    expect(withSort(search, '-name').page).toBeUndefined();
    expect(withPage(search, 5).page).toBe(5);
    expect(withPage(search, 1, 100)).toEqual({ status: ['trial'], pageSize: 100 });
  });

  it('toggles sort direction on the active column', () => {
    expect(toggleSort(undefined, 'name')).toBe('-name');
    expect(toggleSort('-name', 'name')).toBe('name');
    expect(toggleSort('name', 'licenses')).toBe('licenses');
    expect(sortState('-nextEndDate')).toEqual({ field: 'nextEndDate', descending: true });
    expect(sortState(undefined)).toEqual({ field: 'name', descending: false });
  });

  it('clears filters but keeps sort and page size', () => {
    const search = roundTrip('?status=trial&q=x&sort=-name&pageSize=25&page=3');
    expect(hasFilters(search)).toBe(true);
    const cleared = clearFilters(search);
    expect(cleared).toEqual({ sort: '-name', pageSize: 25 });
    expect(hasFilters(cleared)).toBe(false);
  });

  it('computes the shown row range', () => {
    expect(pageRange(1, 50, 0)).toEqual({ from: 0, to: 0 });
    expect(pageRange(2, 50, 120)).toEqual({ from: 51, to: 100 });
    expect(pageRange(3, 50, 120)).toEqual({ from: 101, to: 120 });
  });
});
