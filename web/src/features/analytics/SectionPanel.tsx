import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { IconArrowDownRight, IconArrowUpRight, IconDownload } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiUrl } from '../../lib/api';
import type { ListResponse } from '../../lib/types';
import { useFormat } from '../../lib/useFormat';
import { DataTable, dataColumns } from '../../ui/DataTable';
import type { DataColumn, SortInfo } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { KpiTile } from '../../ui/KpiTile';
import { Pager } from '../../ui/Pager';
import { UsageBar } from '../../ui/UsageBar';
import { useAnalyticsText, type AnalyticsText } from './locales';
import type {
  AnalyticsOverview,
  AnalyticsProduct,
  AnalyticsRow,
  AnalyticsRowField,
  AnalyticsSection,
} from './types';

const columnHelper = dataColumns<AnalyticsRow>();
const pageSizes = [10, 25, 50, 100] as const;
/** How many rows of each section the overview already carries. */
const overviewRows = 100;

export const defaultSort: Record<AnalyticsSection, SortInfo> = {
  recentlyAdded: { field: 'daysSinceAdded', descending: false },
  expiring: { field: 'daysUntilEnd', descending: false },
  renewing: { field: 'daysUntilEnd', descending: false },
  lowAssignment: { field: 'assignedRatio', descending: false },
  overage: { field: 'assignedRatio', descending: true },
};

type Column =
  | 'customer'
  | 'subscriptionId'
  | 'days'
  | 'months'
  | 'purchased'
  | 'usage'
  | 'assigned'
  | 'used'
  | 'used90d'
  | 'autoRenew'
  | 'weeklyAssignment'
  | 'weeklyUsage';

/** SPEC §10: which columns each section's table shows. */
const sectionColumns: Record<AnalyticsSection, Column[]> = {
  recentlyAdded: [
    'customer',
    'subscriptionId',
    'days',
    'purchased',
    'usage',
    'weeklyAssignment',
    'weeklyUsage',
  ],
  expiring: ['customer', 'subscriptionId', 'days', 'purchased', 'usage', 'used90d'],
  renewing: ['customer', 'subscriptionId', 'days', 'purchased', 'usage', 'used90d'],
  lowAssignment: [
    'customer',
    'subscriptionId',
    'months',
    'assigned',
    'purchased',
    'usage',
    'weeklyAssignment',
  ],
  overage: ['customer', 'subscriptionId', 'months', 'autoRenew', 'purchased', 'assigned', 'used'],
};

const daysColumn: Record<AnalyticsSection, { field: AnalyticsRowField; label: AnalyticsText }> = {
  recentlyAdded: { field: 'daysSinceAdded', label: 'column.daysSinceAdded' },
  expiring: { field: 'daysUntilEnd', label: 'column.daysUntilExpiration' },
  renewing: { field: 'daysUntilEnd', label: 'column.daysUntilRenewal' },
  lowAssignment: { field: 'monthsSinceAdded', label: 'column.monthsSinceAdded' },
  overage: { field: 'monthsRemaining', label: 'column.monthsRemaining' },
};

/** A signed weekly change: green and up when it grew, red and down when it shrank. */
function Change({ value }: { value: number }) {
  const text = useAnalyticsText();
  const format = useFormat();
  const label =
    value > 0
      ? text('change.up', { value })
      : value < 0
        ? text('change.down', { value: -value })
        : text('change.none');
  const Icon = value > 0 ? IconArrowUpRight : IconArrowDownRight;
  return (
    <Group
      gap={2}
      justify="flex-end"
      wrap="nowrap"
      c={value > 0 ? 'green.8' : value < 0 ? 'red.8' : 'dimmed'}
      aria-label={label}
    >
      {value !== 0 ? <Icon size={14} aria-hidden /> : null}
      <Text size="sm" fw={value !== 0 ? 600 : undefined} aria-hidden>
        {format.signed(value)}
      </Text>
    </Group>
  );
}

function YesNo({ value }: { value: boolean }) {
  const { t } = useTranslation();
  return <Text size="sm">{value ? t('common.yes') : t('common.no')}</Text>;
}

function CountAndShare({ count, share }: { count: number; share: number | null }) {
  const format = useFormat();
  return (
    <Text size="sm">
      {format.number(count)}{' '}
      <Text span size="xs" c="dimmed">
        ({format.percent(share)})
      </Text>
    </Text>
  );
}

function useColumns(section: AnalyticsSection): DataColumn<AnalyticsRow>[] {
  const text = useAnalyticsText();
  const format = useFormat();
  return useMemo(() => {
    const days = daysColumn[section];
    const all: Record<Column, DataColumn<AnalyticsRow>> = {
      customer: columnHelper.display({
        id: 'customer',
        header: text('column.customer'),
        meta: { sortField: 'customerName', width: 180 },
        cell: ({ row }) => (
          <Anchor
            fw={600}
            size="sm"
            renderRoot={(props) => (
              <Link {...props} to="/customers/$customerId" params={{ customerId: row.original.customerId }} />
            )}
          >
            {row.original.customerName}
          </Anchor>
        ),
      }),
      subscriptionId: columnHelper.display({
        id: 'subscriptionId',
        header: text('column.subscriptionId'),
        meta: { sortField: 'subscriptionId', nowrap: true },
        // SPEC §2: trials show as "Trial" in place of their id.
        cell: ({ row }) =>
          row.original.kind === 'trial' ? (
            <Badge variant="light" color="grape" title={row.original.subscriptionId}>
              {text('trial')}
            </Badge>
          ) : (
            <Text size="sm">{row.original.subscriptionId}</Text>
          ),
      }),
      days: columnHelper.display({
        id: 'days',
        header: text(days.label),
        meta: { sortField: days.field, align: 'right', nowrap: true },
        cell: ({ row }) => <Text size="sm">{format.number(row.original[days.field] as number)}</Text>,
      }),
      months: columnHelper.display({
        id: 'months',
        header: text(days.label),
        meta: { sortField: days.field, align: 'right', nowrap: true },
        cell: ({ row }) => <Text size="sm">{format.number(row.original[days.field] as number)}</Text>,
      }),
      purchased: columnHelper.display({
        id: 'purchased',
        header: text('column.totalLicenses'),
        meta: { sortField: 'purchased', align: 'right', nowrap: true },
        cell: ({ row }) => <Text size="sm">{format.number(row.original.purchased)}</Text>,
      }),
      usage: columnHelper.display({
        id: 'usage',
        header: text('column.usage'),
        meta: { width: 150 },
        cell: ({ row }) => (
          <UsageBar
            purchased={row.original.purchased}
            assigned={row.original.assigned}
            used={row.original.used}
          />
        ),
      }),
      assigned: columnHelper.display({
        id: 'assigned',
        header: text('column.assigned'),
        meta: { sortField: 'assignedRatio', align: 'right', nowrap: true },
        cell: ({ row }) => <CountAndShare count={row.original.assigned} share={row.original.assignedRatio} />,
      }),
      used: columnHelper.display({
        id: 'used',
        header: text('column.used'),
        meta: { sortField: 'usedRatio', align: 'right', nowrap: true },
        cell: ({ row }) => <CountAndShare count={row.original.used} share={row.original.usedRatio} />,
      }),
      used90d: columnHelper.display({
        id: 'used90d',
        header: text('column.used90d'),
        meta: { sortField: 'used90d', align: 'right', nowrap: true },
        cell: ({ row }) => <Text size="sm">{format.number(row.original.used90d)}</Text>,
      }),
      autoRenew: columnHelper.display({
        id: 'autoRenew',
        header: text('column.autoRenew'),
        meta: { sortField: 'autoRenew', nowrap: true },
        cell: ({ row }) => <YesNo value={row.original.autoRenew} />,
      }),
      weeklyAssignment: columnHelper.display({
        id: 'weeklyAssignment',
        header: text('column.weeklyAssignmentChange'),
        meta: { sortField: 'weeklyAssignmentChange', align: 'right', nowrap: true },
        cell: ({ row }) => <Change value={row.original.weeklyAssignmentChange} />,
      }),
      weeklyUsage: columnHelper.display({
        id: 'weeklyUsage',
        header: text('column.weeklyUsageChange'),
        meta: { sortField: 'weeklyUsageChange', align: 'right', nowrap: true },
        cell: ({ row }) => <Change value={row.original.weeklyUsageChange} />,
      }),
    };
    return sectionColumns[section].map((column) => all[column]);
  }, [section, text, format]);
}

type Kpis = Record<string, number | null>;

function formatKpi(format: ReturnType<typeof useFormat>, name: string, value: number | null): string {
  if (name.endsWith('Ratio')) return format.percent(value);
  return format.number(value);
}

/** One section of SPEC §10: its KPI tiles (each showing its formula and leading to the rows behind it) and its table. */
export function SectionPanel({
  section,
  answer,
  product,
  asOf,
}: {
  section: AnalyticsSection;
  answer: AnalyticsOverview[AnalyticsSection];
  product: AnalyticsProduct;
  asOf: string;
}) {
  const text = useAnalyticsText();
  const format = useFormat();
  const columns = useColumns(section);
  const table = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<SortInfo>(defaultSort[section]);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState<number>(pageSizes[0]);
  const [focused, setFocused] = useState<string | null>(null);
  const title = text(`section.${section}`);
  const sortParam = `${sort.descending ? '-' : ''}${sort.field}`;
  const isDefault =
    sort.field === defaultSort[section].field && sort.descending === defaultSort[section].descending;
  // The overview carries each section's first 100 rows in its default order; other pages and orders are fetched.
  const fromOverview = isDefault && page * pageSize <= overviewRows;
  const params = { product, asOf, page, pageSize, sort: sortParam };
  const rows = useQuery({
    queryKey: ['analytics', 'rows', section, params],
    queryFn: ({ signal }) => apiGet<ListResponse<AnalyticsRow>>(`/analytics/${section}/rows`, params, signal),
    enabled: !fromOverview,
    placeholderData: keepPreviousData,
  });
  const shown = fromOverview
    ? answer.rows.items.slice((page - 1) * pageSize, page * pageSize)
    : (rows.data?.items ?? []);
  const total = fromOverview ? answer.rows.total : (rows.data?.total ?? answer.rows.total);
  const kpis = answer.kpis as Kpis;

  const showRows = (kpi: string) => {
    setFocused(kpi);
    table.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    table.current?.focus({ preventScroll: true });
  };

  return (
    <Paper
      withBorder
      radius="md"
      p={{ base: 'sm', sm: 'md' }}
      component="section"
      aria-labelledby={`section-${section}`}
    >
      <Group justify="space-between" align="flex-start" gap="xs" mb="sm" wrap="wrap">
        <Title order={2} size="h4" id={`section-${section}`}>
          {title}
        </Title>
        <Button
          component="a"
          href={apiUrl(`/analytics/${section}/rows.csv`, { product, asOf, sort: sortParam })}
          download
          size="xs"
          variant="default"
          leftSection={<IconDownload size={14} />}
          aria-label={text('exportCsvOf', { section: title })}
        >
          {text('exportCsv')}
        </Button>
      </Group>
      <SimpleGrid
        cols={{ base: 2, md: Object.keys(kpis).length }}
        spacing="sm"
        mb="sm"
        aria-label={text('sectionFigures', { section: title })}
      >
        {Object.entries(kpis).map(([name, value]) => {
          const label = text(`kpi.${section}.${name}` as AnalyticsText);
          return (
            <KpiTile
              key={name}
              label={label}
              value={formatKpi(format, name, value)}
              formula={text(`formula.${section}.${name}` as AnalyticsText)}
              active={focused === name}
              onClick={() => showRows(name)}
            />
          );
        })}
      </SimpleGrid>
      {rows.isError ? (
        <ErrorState error={rows.error} onRetry={() => void rows.refetch()} />
      ) : (
        <div ref={table} tabIndex={-1} style={{ outline: 'none' }}>
          <DataTable
            caption={text('table', { section: title })}
            columns={columns}
            data={shown}
            getRowId={(row) => `${row.subscriptionId}`}
            minWidth={760}
            loading={!fromOverview && rows.isFetching}
            sort={sort}
            onSort={(field) => {
              setSort((current) => ({
                field,
                descending: current.field === field ? !current.descending : false,
              }));
              setPage(1);
            }}
            empty={<EmptyState title={text('empty')} />}
          />
          {total > 0 ? (
            <Pager
              page={page}
              pageSize={pageSize}
              total={total}
              pageSizes={pageSizes}
              onChange={(nextPage, nextSize) => {
                setPage(nextPage);
                setPageSize(nextSize);
              }}
            />
          ) : null}
        </div>
      )}
    </Paper>
  );
}
