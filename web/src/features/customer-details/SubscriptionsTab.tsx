import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { MantineColor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isProduct } from '../../lib/products';
import type {
  CustomerDetails,
  CustomerSubscription,
  Invoice,
  OrderHistoryEntry,
  SubscriptionStatus,
} from '../../lib/types';
import { useFormat } from '../../lib/useFormat';
import { DataTable, dataColumns } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { UsageLegend } from '../../ui/UsageBar';
import { LicenseTable } from '../../ui/LicenseTable';

export const subscriptionStatusColors: Record<SubscriptionStatus, MantineColor> = {
  active: 'teal',
  suspended: 'red',
  pending_setup: 'violet',
  cancelled: 'gray',
};

const invoiceColumns = dataColumns<Invoice>();
const orderColumns = dataColumns<OrderHistoryEntry>();

export function SubscriptionsTab({ customer }: { customer: CustomerDetails }) {
  const { t } = useTranslation();
  const subscriptions = (customer.subscriptions ?? []).filter((subscription) => subscription.kind === 'paid');
  if (subscriptions.length === 0) {
    return <EmptyState title={t('subscriptions.emptyTitle')} description={t('subscriptions.emptyText')} />;
  }
  return (
    <Stack gap="md">
      {subscriptions.map((subscription) => (
        <SubscriptionCard key={subscription.id} subscription={subscription} />
      ))}
    </Stack>
  );
}

function SubscriptionCard({ subscription }: { subscription: CustomerSubscription }) {
  const { t } = useTranslation();
  const format = useFormat();
  const endDate = subscription.effectiveEnd || subscription.endDate;
  const rows = subscription.licenses;
  const headingId = `subscription-${subscription.id}`;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs" mb="sm">
        <Stack gap={2}>
          <Title order={3} size="h4" id={headingId}>
            {t('subscriptions.id')}: {subscription.id}
          </Title>
          <Text size="sm" c="dimmed">
            {subscription.autoRenew
              ? t('subscriptions.renewsOn', { date: format.date(endDate) })
              : t('subscriptions.expiresOn', { date: format.date(endDate) })}
            {' · '}
            {t('subscriptions.startedOn', { date: format.date(subscription.startDate) })}
            {subscription.termMonths ? ` · ${t('orders.months', { count: subscription.termMonths })}` : ''}
          </Text>
        </Stack>
        <Group gap={6}>
          <Badge color={subscriptionStatusColors[subscription.status]} variant="light">
            {t(`subscriptions.status.${subscription.status}`)}
          </Badge>
          {subscription.autoRenew ? (
            <Badge color="blue" variant="outline">
              {t('subscriptions.autoRenew')}
            </Badge>
          ) : null}
        </Group>
      </Group>

      <Group justify="space-between" mb={6} wrap="wrap">
        <Title order={4} size="h5">
          {t('subscriptions.licenses')}
        </Title>
        <UsageLegend />
      </Group>
      <LicenseTable subscriptionId={subscription.id} rows={rows} />

      <SimpleGrid cols={1} spacing="md" mt="md">
        <div style={{ minWidth: 0 }}>
          <Title order={4} size="h5" mb={6}>
            {t('subscriptions.invoices')}
          </Title>
          <DataTable
            caption={t('subscriptions.invoices')}
            minWidth={520}
            data={subscription.invoices ?? []}
            getRowId={(invoice) => invoice.number}
            empty={<EmptyState title={t('subscriptions.noInvoices')} />}
            columns={[
              invoiceColumns.display({
                id: 'number',
                header: t('subscriptions.invoice'),
                cell: ({ row }) => row.original.number,
              }),
              invoiceColumns.display({
                id: 'period',
                header: t('subscriptions.period'),
                meta: { nowrap: true },
                cell: ({ row }) =>
                  `${format.date(row.original.periodStart)} – ${format.date(row.original.periodEnd)}`,
              }),
              invoiceColumns.display({
                id: 'amount',
                header: t('subscriptions.amount'),
                meta: { align: 'right', nowrap: true },
                cell: ({ row }) => format.money(row.original.amount, row.original.currency),
              }),
              invoiceColumns.display({
                id: 'due',
                header: t('subscriptions.dueDate'),
                meta: { nowrap: true },
                cell: ({ row }) => format.date(row.original.dueDate),
              }),
              invoiceColumns.display({
                id: 'paid',
                header: t('subscriptions.paid'),
                meta: { nowrap: true },
                cell: ({ row }) =>
                  row.original.paidAt ? (
                    format.date(row.original.paidAt.slice(0, 10))
                  ) : (
                    <Badge color={row.original.overdue ? 'red' : 'yellow'} variant="light">
                      {row.original.overdue ? t('subscriptions.overdue') : t('subscriptions.unpaid')}
                    </Badge>
                  ),
              }),
            ]}
          />
        </div>
        <div style={{ minWidth: 0 }}>
          <Title order={4} size="h5" mb={6}>
            {t('subscriptions.orderHistory')}
          </Title>
          <DataTable
            caption={t('subscriptions.orderHistory')}
            minWidth={520}
            data={subscription.orders ?? []}
            getRowId={(order) => order.number}
            empty={<EmptyState title={t('subscriptions.noOrders')} />}
            columns={[
              orderColumns.display({
                id: 'number',
                header: t('orders.number'),
                cell: ({ row }) => row.original.number,
              }),
              orderColumns.display({
                id: 'type',
                header: t('orders.type'),
                cell: ({ row }) => t(`orders.typeValue.${row.original.type}`),
              }),
              orderColumns.display({
                id: 'start',
                header: t('orders.requestedStart'),
                meta: { nowrap: true },
                cell: ({ row }) => format.date(row.original.requestedStartDate),
              }),
              orderColumns.display({
                id: 'lines',
                header: t('orders.lines'),
                cell: ({ row }) =>
                  (row.original.lines ?? [])
                    .map(
                      (line) =>
                        `${isProduct(line.product) ? t(`products.${line.product}`) : line.product} × ${format.number(line.quantity)}`,
                    )
                    .join(', ') || '—',
              }),
            ]}
          />
        </div>
      </SimpleGrid>
    </Paper>
  );
}
