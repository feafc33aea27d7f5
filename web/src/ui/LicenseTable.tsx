import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ratio } from '../lib/format';
import type { LicenseBreakdown } from '../lib/types';
import { useFormat } from '../lib/useFormat';
import { DataTable, dataColumns } from './DataTable';
import { EmptyState } from './EmptyState';
import { UsageBar } from './UsageBar';

/** One subscription's licenses per product; `overage` comes from the server where it answers it. */
export type LicenseRow = Pick<
  LicenseBreakdown,
  'product' | 'purchased' | 'assigned' | 'used' | 'available'
> & {
  overage?: number;
};

const columns = dataColumns<LicenseRow>();

/** The per-product license breakdown, the same in the customer's Subscriptions tab and in the customer console. */
export function LicenseTable({ subscriptionId, rows }: { subscriptionId: string; rows: LicenseRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const showOverage = rows.some((row) => row.overage !== undefined);
  return (
    <DataTable
      caption={t('subscriptions.licensesCaption', { id: subscriptionId })}
      minWidth={720}
      data={rows}
      getRowId={(row) => row.product}
      empty={<EmptyState title={t('subscriptions.noLines')} />}
      columns={[
        columns.display({
          id: 'product',
          header: t('subscriptions.product'),
          cell: ({ row }) => t(`products.${row.original.product}`),
        }),
        columns.display({
          id: 'purchased',
          header: t('licenses.purchased'),
          meta: { align: 'right' },
          cell: ({ row }) => format.number(row.original.purchased),
        }),
        columns.display({
          id: 'assigned',
          header: t('licenses.assigned'),
          meta: { align: 'right', nowrap: true },
          cell: ({ row }) =>
            `${format.number(row.original.assigned)} (${format.percent(ratio(row.original.assigned, row.original.purchased))})`,
        }),
        columns.display({
          id: 'used',
          header: t('licenses.used'),
          meta: { align: 'right' },
          cell: ({ row }) => format.number(row.original.used),
        }),
        columns.display({
          id: 'available',
          header: t('licenses.available'),
          meta: { align: 'right' },
          cell: ({ row }) => format.number(row.original.available),
        }),
        ...(showOverage
          ? [
              columns.display({
                id: 'overage',
                header: t('licenses.overage'),
                meta: { align: 'right' },
                cell: ({ row }) => {
                  const overage = row.original.overage ?? 0;
                  return (
                    <Text size="sm" c={overage > 0 ? 'red.7' : undefined} fw={overage > 0 ? 700 : undefined}>
                      {format.number(overage)}
                    </Text>
                  );
                },
              }),
            ]
          : []),
        columns.display({
          id: 'bar',
          header: t('licenses.usedAssignedAvailable'),
          meta: { width: 220 },
          cell: ({ row }) => (
            <UsageBar
              purchased={row.original.purchased}
              assigned={row.original.assigned}
              used={row.original.used}
            />
          ),
        }),
      ]}
    />
  );
}
