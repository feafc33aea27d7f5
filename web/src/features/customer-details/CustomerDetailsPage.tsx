import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconExternalLink } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../../lib/api';
import { isKnownRole } from '../../lib/permissions';
import type { CustomerDetails } from '../../lib/types';
import { useFormat } from '../../lib/useFormat';
import { DataTable, dataColumns } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { LoadingState } from '../../ui/LoadingState';
import { StatusBadges } from '../../ui/StatusBadge';
import type { CustomerTab } from '../../app/router';
import { useMe } from '../../app/session';
import { useLaunch } from '../customers/useLaunch';
import { ManagedByCell } from '../customers/CustomerTable';
import { PartnerAdminsTab } from './PartnerAdminsTab';
import { SubscriptionsTab } from './SubscriptionsTab';
import { TrialsTab } from './TrialsTab';

export function customerQuery(customerId: string) {
  return {
    queryKey: ['customer', customerId],
    queryFn: () => apiGet<CustomerDetails>(`/customers/${encodeURIComponent(customerId)}`),
  } as const;
}

type Admin = CustomerDetails['admins'][number];
const adminColumns = dataColumns<Admin>();

export default function CustomerDetailsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { customerId } = useParams({ from: '/_authed/customers/$customerId' });
  const { tab } = useSearch({ from: '/_authed/customers/$customerId' });
  const navigate = useNavigate({ from: '/customers/$customerId' });
  const me = useMe();
  const customer = useQuery(customerQuery(customerId));
  const launch = useLaunch();

  const back = (
    <Anchor component={Link} to="/customers" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        {t('customers.backToList')}
      </Group>
    </Anchor>
  );

  if (customer.isPending) return <LoadingState />;
  if (customer.isError)
    return (
      <Stack>
        {back}
        <ErrorState error={customer.error} onRetry={() => void customer.refetch()} />
      </Stack>
    );

  const data = customer.data;
  const activeTab: CustomerTab = tab ?? 'subscriptions';

  return (
    <Stack gap="md">
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {data.name}
          </Title>
          <StatusBadges statuses={data.statuses} />
        </Stack>
        <Button
          leftSection={<IconExternalLink size={16} />}
          loading={launch.isPending}
          onClick={() => launch.mutate(customerId)}
        >
          {t('customers.launch')}
        </Button>
      </Group>
      {launch.isError ? <ErrorState error={launch.error} title={t('customers.launchFailed')} /> : null}

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="overview-heading">
        <Title order={2} size="h4" id="overview-heading" mb="sm">
          {t('details.overview')}
        </Title>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
          <Fact label={t('common.country')}>{format.country(data.country)}</Fact>
          <Fact label={t('customers.column.products')}>
            {data.products.length ? (
              <Group gap={4}>
                {data.products.map((product) => (
                  <Badge key={product} variant="outline" color="gray" radius="sm" tt="none">
                    {t(`products.${product}`)}
                  </Badge>
                ))}
              </Group>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label={t('customers.column.managedBy')}>
            <ManagedByCell managedBy={data.managedBy} partnerName={me.partner?.name ?? ''} />
          </Fact>
          <Fact label={t('customers.column.licenses')}>
            {format.number(data.licenses.purchased)} / {format.number(data.licenses.assigned)}
          </Fact>
          <Fact label={t('customers.column.nextEndDate')}>{format.date(data.nextEndDate)}</Fact>
          <Fact label={t('customers.column.lastActivity')}>{format.dateTime(data.lastAdminSignInAt)}</Fact>
          <Fact label={t('details.createdAt')}>{format.date(data.createdAt)}</Fact>
          <Fact label={t('filters.tags')}>
            {data.tags?.length ? (
              <Group gap={4}>
                {data.tags.map((tag) => (
                  <Badge key={tag} variant="light" color="gray" radius="sm" tt="none">
                    {tag}
                  </Badge>
                ))}
              </Group>
            ) : (
              '—'
            )}
          </Fact>
        </SimpleGrid>
        <Title order={3} size="h5" mt="lg" mb="xs">
          {t('details.customerAdmins')}
        </Title>
        <DataTable
          caption={t('details.customerAdmins')}
          minWidth={560}
          data={data.admins ?? emptyAdmins}
          getRowId={(admin) => admin.email}
          empty={<EmptyState title={t('details.noCustomerAdmins')} />}
          columns={[
            adminColumns.display({
              id: 'name',
              header: t('common.name'),
              cell: ({ row }) => row.original.name,
            }),
            adminColumns.display({
              id: 'email',
              header: t('common.email'),
              cell: ({ row }) => row.original.email,
            }),
            adminColumns.display({
              id: 'role',
              header: t('common.role'),
              cell: ({ row }) =>
                isKnownRole(row.original.role) ? t(`roles.${row.original.role}`) : row.original.role,
            }),
            adminColumns.display({
              id: 'lastSignIn',
              header: t('details.lastSignIn'),
              meta: { nowrap: true },
              cell: ({ row }) => format.dateTime(row.original.lastSignInAt),
            }),
          ]}
        />
      </Paper>

      <Tabs
        value={activeTab}
        onChange={(value) => {
          const next = value === 'trials' || value === 'partnerAdmins' ? value : undefined;
          void navigate({ search: { tab: next }, replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          <Tabs.Tab value="subscriptions">{t('details.tabSubscriptions')}</Tabs.Tab>
          <Tabs.Tab value="trials">{t('details.tabTrials')}</Tabs.Tab>
          <Tabs.Tab value="partnerAdmins">{t('details.tabPartnerAdmins')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="subscriptions" pt="md">
          <SubscriptionsTab customer={data} />
        </Tabs.Panel>
        <Tabs.Panel value="trials" pt="md">
          <TrialsTab customer={data} customerId={customerId} />
        </Tabs.Panel>
        <Tabs.Panel value="partnerAdmins" pt="md">
          <PartnerAdminsTab customerId={customerId} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

const emptyAdmins: Admin[] = [];

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}
