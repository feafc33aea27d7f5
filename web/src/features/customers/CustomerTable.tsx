import { ActionIcon, Anchor, Button, Group, Stack, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconExternalLink, IconPackageImport } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerListItem, ManagedBy } from '../../lib/types';
import { useFormat } from '../../lib/useFormat';
import type { SortField } from '../../lib/urlState';
import { DataTable, dataColumns } from '../../ui/DataTable';
import type { DataColumn, SortInfo } from '../../ui/DataTable';
import { StatusBadges } from '../../ui/StatusBadge';

const columnHelper = dataColumns<CustomerListItem>();

export function ManagedByCell({
  managedBy,
  partnerName,
}: {
  managedBy: readonly ManagedBy[];
  partnerName: string;
}) {
  const { t } = useTranslation();
  if (managedBy.length === 0) return <Text size="sm">—</Text>;
  return (
    <Stack gap={0}>
      {managedBy.includes('partner') ? (
        <Text size="sm">{partnerName || t('filters.managedByValue.partner')}</Text>
      ) : null}
      {managedBy.includes('me') ? (
        <Text size="xs" c="dimmed">
          {t('customers.managedByMe')}
        </Text>
      ) : null}
      {managedBy.includes('external') ? <Text size="sm">{t('filters.managedByValue.external')}</Text> : null}
    </Stack>
  );
}

function CustomerLink({ id, name }: { id: string; name: string }) {
  return (
    <Anchor
      fw={600}
      renderRoot={(props) => <Link {...props} to="/customers/$customerId" params={{ customerId: id }} />}
    >
      {name}
    </Anchor>
  );
}

export function rowKey(row: CustomerListItem, index: number): string {
  return row.id ?? (row.order ? `order:${row.order.subscriptionId}` : `row:${index}`);
}

export function CustomerTable({
  rows,
  loading,
  sort,
  onSort,
  partnerName,
  canManage,
  launchingId,
  onLaunch,
  onSetUpOrder,
  empty,
}: {
  rows: CustomerListItem[];
  loading: boolean;
  sort: SortInfo;
  onSort: (field: SortField) => void;
  partnerName: string;
  canManage: boolean;
  launchingId: string | null;
  onLaunch: (customerId: string) => void;
  onSetUpOrder: (orderNumber: string) => void;
  empty: ReactNode;
}) {
  const { t } = useTranslation();
  const format = useFormat();

  const columns = useMemo<DataColumn<CustomerListItem>[]>(
    () => [
      columnHelper.display({
        id: 'name',
        header: t('customers.column.name'),
        meta: { sortField: 'name', width: 200 },
        cell: ({ row }) => {
          const item = row.original;
          return item.id ? (
            <CustomerLink id={item.id} name={item.name} />
          ) : (
            <Stack gap={0}>
              <Text fw={600}>{item.name}</Text>
              {item.order ? (
                <Text size="xs" c="dimmed">
                  {item.order.number
                    ? t('customers.orderNumber', { number: item.order.number })
                    : `${t('subscriptions.id')}: ${item.order.subscriptionId}`}
                </Text>
              ) : null}
            </Stack>
          );
        },
      }),
      columnHelper.display({
        id: 'statuses',
        header: t('customers.column.statuses'),
        meta: { sortField: 'status', width: 200 },
        cell: ({ row }) => <StatusBadges statuses={row.original.statuses} />,
      }),
      columnHelper.display({
        id: 'products',
        header: t('customers.column.products'),
        cell: ({ row }) =>
          row.original.products.length ? (
            <Text size="sm">
              {row.original.products.map((product) => t(`products.${product}`)).join(', ')}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          ),
      }),
      columnHelper.display({
        id: 'licenses',
        header: t('customers.column.licenses'),
        meta: { sortField: 'licenses', align: 'right', nowrap: true },
        cell: ({ row }) => {
          const { purchased, assigned } = row.original.licenses;
          return (
            <Text
              size="sm"
              c={assigned > purchased ? 'red.7' : undefined}
              fw={assigned > purchased ? 600 : undefined}
            >
              {format.number(purchased)} / {format.number(assigned)}
            </Text>
          );
        },
      }),
      columnHelper.display({
        id: 'nextEndDate',
        header: t('customers.column.nextEndDate'),
        meta: { sortField: 'nextEndDate', nowrap: true },
        cell: ({ row }) => <Text size="sm">{format.date(row.original.nextEndDate)}</Text>,
      }),
      columnHelper.display({
        id: 'lastActivity',
        header: t('customers.column.lastActivity'),
        meta: { sortField: 'lastActivity', nowrap: true },
        cell: ({ row }) => <Text size="sm">{format.date(row.original.lastAdminSignInAt?.slice(0, 10))}</Text>,
      }),
      columnHelper.display({
        id: 'managedBy',
        header: t('customers.column.managedBy'),
        cell: ({ row }) => <ManagedByCell managedBy={row.original.managedBy} partnerName={partnerName} />,
      }),
      columnHelper.display({
        id: 'actions',
        header: () => <VisuallyHidden>{t('common.actions')}</VisuallyHidden>,
        meta: { align: 'right', nowrap: true },
        cell: ({ row }) => {
          const item = row.original;
          if (item.id) {
            const id = item.id;
            return (
              <Group justify="flex-end" gap={4} wrap="nowrap">
                <Tooltip label={t('customers.launch')}>
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('customers.launch')}
                    loading={launchingId === id}
                    onClick={() => onLaunch(id)}
                  >
                    <IconExternalLink size={18} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            );
          }
          if (item.order?.number && canManage) {
            const number = item.order.number;
            return (
              <Button
                size="xs"
                variant="light"
                color="violet"
                leftSection={<IconPackageImport size={14} />}
                onClick={() => onSetUpOrder(number)}
              >
                {t('orders.setUp')}
              </Button>
            );
          }
          return null;
        },
      }),
    ],
    [t, format, partnerName, canManage, launchingId, onLaunch, onSetUpOrder],
  );

  return (
    <DataTable
      caption={t('customers.tableCaption')}
      columns={columns}
      data={rows}
      getRowId={rowKey}
      minWidth={1080}
      loading={loading}
      sort={sort}
      onSort={(field) => onSort(field as SortField)}
      empty={empty}
      rowHighlight={(row) => row.id === null}
    />
  );
}
