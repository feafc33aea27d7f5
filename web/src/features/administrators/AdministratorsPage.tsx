import { Alert, Button, Checkbox, Group, Modal, MultiSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconLink, IconUnlink } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiPost } from '../../lib/api';
import type { Administrators, CustomerListItem, ListResponse, PartnerUser } from '../../lib/types';
import { useFormat } from '../../lib/useFormat';
import { DataTable, dataColumns } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, MutationError } from '../../ui/ErrorState';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeader } from '../../ui/PageHeader';

type PartnerAdmin = Administrators['partnerAdmins'][number];
type Action = 'assign' | 'unassign';
const allColumns = dataColumns<PartnerUser>();
const adminColumns = dataColumns<PartnerAdmin>();

export default function AdministratorsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const admins = useQuery({
    queryKey: ['administrators'],
    queryFn: () => apiGet<Administrators>('/administrators'),
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [action, setAction] = useState<Action | null>(null);
  const [result, setResult] = useState<{ action: Action; changed: number } | null>(null);

  if (admins.isPending) return <LoadingState />;
  if (admins.isError) return <ErrorState error={admins.error} onRetry={() => void admins.refetch()} />;

  const partnerAdmins = admins.data.partnerAdmins;
  const allSelected = partnerAdmins.length > 0 && partnerAdmins.every((admin) => selected.has(admin.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  return (
    <>
      <PageHeader title={t('nav.administrators')} description={t('administrators.intro')} />
      <Stack gap="lg">
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="all-customers-heading">
          <Title order={2} size="h4" id="all-customers-heading" mb={4}>
            {t('administrators.allCustomersTitle')}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('administrators.allCustomersText')}
          </Text>
          <DataTable
            caption={t('administrators.allCustomersTitle')}
            minWidth={560}
            data={admins.data.allCustomers}
            getRowId={(user) => user.id}
            empty={<EmptyState title={t('administrators.noneAll')} />}
            columns={[
              allColumns.display({
                id: 'name',
                header: t('common.name'),
                cell: ({ row }) => row.original.name,
              }),
              allColumns.display({
                id: 'email',
                header: t('common.email'),
                cell: ({ row }) => row.original.email,
              }),
              allColumns.display({
                id: 'role',
                header: t('common.role'),
                cell: ({ row }) => t(`roles.${row.original.role}`),
              }),
            ]}
          />
        </Paper>

        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="partner-admins-heading">
          <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm" mb="sm">
            <div>
              <Title order={2} size="h4" id="partner-admins-heading" mb={4}>
                {t('details.tabPartnerAdmins')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('administrators.partnerAdminsText')}
              </Text>
            </div>
            <Group gap="xs" wrap="wrap">
              <Button
                leftSection={<IconLink size={16} />}
                disabled={selected.size === 0}
                onClick={() => {
                  setResult(null);
                  setAction('assign');
                }}
              >
                {t('administrators.assign')}
              </Button>
              <Button
                variant="default"
                leftSection={<IconUnlink size={16} />}
                disabled={selected.size === 0}
                onClick={() => {
                  setResult(null);
                  setAction('unassign');
                }}
              >
                {t('administrators.unassign')}
              </Button>
            </Group>
          </Group>
          {result ? (
            <Alert
              color="teal"
              mb="sm"
              role="status"
              withCloseButton
              onClose={() => setResult(null)}
              closeButtonLabel={t('common.close')}
            >
              {t(
                result.action === 'assign'
                  ? 'administrators.assignedResult'
                  : 'administrators.unassignedResult',
                {
                  count: result.changed,
                },
              )}
            </Alert>
          ) : null}
          <Text size="sm" mb={4} aria-live="polite">
            {t('administrators.selected', { count: selected.size })}
          </Text>
          <DataTable
            caption={t('details.tabPartnerAdmins')}
            minWidth={560}
            data={partnerAdmins}
            getRowId={(user) => user.id}
            empty={
              <EmptyState
                title={t('administrators.nonePartner')}
                description={t('administrators.nonePartnerText')}
              />
            }
            columns={[
              adminColumns.display({
                id: 'select',
                header: () => (
                  <Checkbox
                    aria-label={t('administrators.selectAll')}
                    checked={allSelected}
                    indeterminate={selected.size > 0 && !allSelected}
                    onChange={(event) =>
                      setSelected(
                        event.currentTarget.checked
                          ? new Set(partnerAdmins.map((admin) => admin.id))
                          : new Set(),
                      )
                    }
                  />
                ),
                meta: { width: 40 },
                cell: ({ row }) => (
                  <Checkbox
                    aria-label={t('administrators.selectNamed', { name: row.original.name })}
                    checked={selected.has(row.original.id)}
                    onChange={(event) => toggle(row.original.id, event.currentTarget.checked)}
                  />
                ),
              }),
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
                id: 'customers',
                header: t('administrators.customerCount'),
                meta: { align: 'right' },
                cell: ({ row }) => format.number(row.original.customerCount),
              }),
            ]}
          />
        </Paper>
      </Stack>
      {action ? (
        <AssignModal
          action={action}
          userIds={[...selected]}
          onClose={() => setAction(null)}
          onDone={(changed) => {
            setResult({ action, changed });
            setAction(null);
          }}
        />
      ) : null}
    </>
  );
}

function AssignModal({
  action,
  userIds,
  onClose,
  onDone,
}: {
  action: Action;
  userIds: string[];
  onClose: () => void;
  onDone: (changed: number) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [lookup, setLookup] = useState('');
  const [debounced] = useDebouncedValue(lookup, 250);
  const [chosen, setChosen] = useState<{ value: string; label: string }[]>([]);
  const candidates = useQuery({
    queryKey: ['customer-lookup', debounced],
    queryFn: ({ signal }) =>
      apiGet<ListResponse<CustomerListItem>>(
        '/customers',
        { q: debounced, pageSize: 50, sort: 'name' },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
  const options = [
    ...chosen,
    ...(candidates.data?.items ?? [])
      .filter((item): item is CustomerListItem & { id: string } => item.id !== null)
      .filter((item) => !chosen.some((option) => option.value === item.id))
      .map((item) => ({ value: item.id, label: item.name })),
  ];
  const save = useMutation({
    mutationFn: () =>
      apiPost<{ changed: number }>('/assignments', {
        action,
        userIds,
        customerIds: chosen.map((option) => option.value),
      }),
    onSuccess: async (answer) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['administrators'] }),
        queryClient.invalidateQueries({ queryKey: ['users'] }),
        queryClient.invalidateQueries({ queryKey: ['customer'] }),
      ]);
      onDone(answer.changed);
    },
  });

  return (
    <Modal
      opened
      onClose={onClose}
      title={action === 'assign' ? t('administrators.assign') : t('administrators.unassign')}
      size="lg"
    >
      <Stack>
        <Text size="sm">{t('administrators.forAdmins', { count: userIds.length })}</Text>
        <MultiSelect
          label={t('administrators.customers')}
          placeholder={t('orders.findCustomer')}
          searchable
          searchValue={lookup}
          onSearchChange={setLookup}
          data={options}
          value={chosen.map((option) => option.value)}
          onChange={(values) =>
            setChosen(
              values.map(
                (value) => options.find((option) => option.value === value) ?? { value, label: value },
              ),
            )
          }
          filter={({ options: all }) => all}
          nothingFoundMessage={candidates.isFetching ? t('common.loading') : t('orders.noCustomerFound')}
          data-autofocus
        />
        <MutationError error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button disabled={chosen.length === 0} loading={save.isPending} onClick={() => save.mutate()}>
            {action === 'assign' ? t('administrators.assign') : t('administrators.unassign')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
