import { Alert, Button, CloseButton, Group, Text } from '@mantine/core';
import { IconDownload, IconPlus } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Suspense, lazy, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiUrl } from '../../lib/api';
import { canExportCsv, canManageCustomers } from '../../lib/permissions';
import type { CustomerListItem, ListResponse } from '../../lib/types';
import {
  clearFilters,
  customerApiParams,
  defaultPageSize,
  hasFilters,
  kpiSearch,
  pageSizes,
  sortState,
  toggleSort,
  withFacet,
  withPage,
  withQuery,
  withSort,
} from '../../lib/urlState';
import type { CustomerSearch, ListKpi } from '../../lib/urlState';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { PageHeader } from '../../ui/PageHeader';
import { Pager } from '../../ui/Pager';
import { useMe } from '../../app/session';
import { CustomerFilters } from './CustomerFilters';
import { CustomerTable } from './CustomerTable';
import { KpiRow } from './KpiRow';
import { useLaunch } from './useLaunch';

// The wizards load on first use so the list itself stays light.
const StartTrialModal = lazy(() =>
  import('../trials/StartTrialModal').then((module) => ({ default: module.StartTrialModal })),
);
const SetUpOrderModal = lazy(() =>
  import('../orders/SetUpOrderModal').then((module) => ({ default: module.SetUpOrderModal })),
);

export default function CustomersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const search = useSearch({ from: '/_authed/customers' });
  const navigate = useNavigate({ from: '/customers' });
  const [trialOpen, setTrialOpen] = useState(false);
  const [orderNumber, setOrderNumber] = useState<string | null>(null);
  const launch = useLaunch();
  const canManage = canManageCustomers(me.user.role);

  const params = customerApiParams(search, true);
  const customers = useQuery({
    queryKey: ['customers', params],
    queryFn: ({ signal }) => apiGet<ListResponse<CustomerListItem>>('/customers', params, signal),
    placeholderData: keepPreviousData,
  });

  const go = useCallback(
    (next: CustomerSearch, replace = false) => void navigate({ search: next, replace }),
    [navigate],
  );
  const launchMutate = launch.mutate;
  const onLaunch = useCallback((id: string) => launchMutate(id), [launchMutate]);
  const onSetUpOrder = useCallback((number: string) => setOrderNumber(number), []);

  const page = search.page ?? 1;
  const pageSize = search.pageSize ?? defaultPageSize;
  const filtered = hasFilters(search);
  const csvHref = apiUrl('/customers.csv', customerApiParams(search, false));

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        actions={
          <>
            {canExportCsv(me.user.role) ? (
              <Button
                component="a"
                href={csvHref}
                download
                variant="default"
                leftSection={<IconDownload size={16} />}
              >
                {t('common.exportCsv')}
              </Button>
            ) : null}
            {canManage ? (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setTrialOpen(true)}>
                {t('trials.start')}
              </Button>
            ) : null}
          </>
        }
      />
      <KpiRow active={search.kpi} onSelect={(kpi: ListKpi | undefined) => go(kpiSearch(search, kpi))} />
      {search.kpi ? (
        <Alert
          color="blue"
          mb="sm"
          role="status"
          title={t('kpi.drillDown', { kpi: t(`kpi.label.${search.kpi}`) })}
        >
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm">{t(`kpi.formula.${search.kpi}`)}</Text>
            <CloseButton
              aria-label={t('kpi.clearDrillDown')}
              onClick={() => go(kpiSearch(search, undefined))}
            />
          </Group>
        </Alert>
      ) : null}
      <CustomerFilters
        search={search}
        onFacet={(facet, values) => go(withFacet(search, facet, values))}
        onQuery={(q) => go(withQuery(search, q), true)}
        onSort={(sort) => go(withSort(search, sort))}
        onClear={() => go(clearFilters(search))}
      />
      {launch.isError ? <ErrorState error={launch.error} title={t('customers.launchFailed')} /> : null}
      {customers.isError ? (
        <ErrorState error={customers.error} onRetry={() => void customers.refetch()} />
      ) : (
        <>
          <CustomerTable
            rows={customers.data?.items ?? emptyRows}
            loading={customers.isFetching}
            sort={sortState(search.sort)}
            onSort={(field) => go(withSort(search, toggleSort(search.sort, field)))}
            partnerName={me.partner?.name ?? ''}
            canManage={canManage}
            launchingId={launch.isPending ? (launch.variables ?? null) : null}
            onLaunch={onLaunch}
            onSetUpOrder={onSetUpOrder}
            empty={
              customers.isPending ? null : filtered ? (
                <EmptyState
                  title={t('customers.noMatchTitle')}
                  description={t('customers.noMatchText')}
                  action={
                    <Button variant="light" onClick={() => go(clearFilters(search))}>
                      {t('filters.clearAll')}
                    </Button>
                  }
                />
              ) : (
                <EmptyState
                  title={t('customers.emptyTitle')}
                  description={t('customers.emptyText')}
                  action={
                    canManage ? (
                      <Button variant="light" onClick={() => setTrialOpen(true)}>
                        {t('trials.start')}
                      </Button>
                    ) : undefined
                  }
                />
              )
            }
          />
          {customers.data ? (
            <Pager
              page={page}
              pageSize={pageSize}
              total={customers.data.total}
              pageSizes={pageSizes}
              onChange={(nextPage, nextSize) => go(withPage(search, nextPage, nextSize))}
            />
          ) : null}
        </>
      )}
      {canManage && trialOpen ? (
        <Suspense fallback={null}>
          <StartTrialModal
            opened={trialOpen}
            onClose={() => setTrialOpen(false)}
            onCreated={(result) =>
              void navigate({
                to: '/customers/$customerId',
                params: { customerId: result.customerId },
                search: { tab: 'trials' },
              })
            }
          />
        </Suspense>
      ) : null}
      {orderNumber ? (
        <Suspense fallback={null}>
          <SetUpOrderModal
            orderNumber={orderNumber}
            onClose={() => setOrderNumber(null)}
            onDone={(result) =>
              void navigate({ to: '/customers/$customerId', params: { customerId: result.customerId } })
            }
          />
        </Suspense>
      ) : null}
    </>
  );
}

const emptyRows: CustomerListItem[] = [];
