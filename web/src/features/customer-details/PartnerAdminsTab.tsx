import { ActionIcon, Badge, Button, Group, Select, Stack, Text, Tooltip } from '@mantine/core';
import { IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiDelete, apiGet, apiPost } from '../../lib/api';
import { canAssignPartnerAdmins } from '../../lib/permissions';
import type { ListResponse, PartnerAdminEntry, PartnerUser } from '../../lib/types';
import { DataTable, dataColumns } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, MutationError } from '../../ui/ErrorState';
import { LoadingState } from '../../ui/LoadingState';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { useMe } from '../../app/session';

const columns = dataColumns<PartnerAdminEntry>();

export function PartnerAdminsTab({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const canEdit = canAssignPartnerAdmins(me.user.role);
  const queryClient = useQueryClient();
  const path = `/customers/${encodeURIComponent(customerId)}/partner-admins`;
  const admins = useQuery({
    queryKey: ['customer', customerId, 'partner-admins'],
    queryFn: () => apiGet<{ items: PartnerAdminEntry[] }>(path),
  });
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => apiGet<ListResponse<PartnerUser>>('/users', { pageSize: 1000 }),
    enabled: canEdit,
  });
  const [selected, setSelected] = useState<string | null>(null);
  const [removing, setRemoving] = useState<PartnerAdminEntry | null>(null);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['customer', customerId] }),
      queryClient.invalidateQueries({ queryKey: ['administrators'] }),
      queryClient.invalidateQueries({ queryKey: ['users'] }),
    ]);
  const add = useMutation({
    mutationFn: (userId: string) => apiPost<void>(path, { userId }),
    onSuccess: async () => {
      setSelected(null);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (userId: string) => apiDelete(`${path}/${encodeURIComponent(userId)}`),
    onSuccess: async () => {
      setRemoving(null);
      await refresh();
    },
  });

  if (admins.isPending) return <LoadingState />;
  if (admins.isError) return <ErrorState error={admins.error} onRetry={() => void admins.refetch()} />;

  const assignedIds = new Set(admins.data.items.map((admin) => admin.userId));
  const candidates = (users.data?.items ?? [])
    .filter((user) => user.role === 'partner_admin' && user.active && !assignedIds.has(user.id))
    .map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('partnerAdmins.intro')}
      </Text>
      {canEdit ? (
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            style={{ flex: '1 1 260px', maxWidth: 420 }}
            label={t('partnerAdmins.addLabel')}
            placeholder={candidates.length ? t('partnerAdmins.choose') : t('partnerAdmins.noCandidates')}
            data={candidates}
            value={selected}
            onChange={setSelected}
            searchable
            disabled={candidates.length === 0}
          />
          <Button
            leftSection={<IconUserPlus size={16} />}
            disabled={!selected}
            loading={add.isPending}
            onClick={() => selected && add.mutate(selected)}
          >
            {t('partnerAdmins.add')}
          </Button>
        </Group>
      ) : null}
      <MutationError error={add.error} />
      <DataTable
        caption={t('details.tabPartnerAdmins')}
        minWidth={640}
        data={admins.data.items}
        getRowId={(admin) => admin.userId}
        empty={<EmptyState title={t('partnerAdmins.emptyTitle')} />}
        columns={[
          columns.display({ id: 'name', header: t('common.name'), cell: ({ row }) => row.original.name }),
          columns.display({ id: 'email', header: t('common.email'), cell: ({ row }) => row.original.email }),
          columns.display({
            id: 'role',
            header: t('common.role'),
            cell: ({ row }) => t(`roles.${row.original.role}`),
          }),
          columns.display({
            id: 'access',
            header: t('partnerAdmins.access'),
            cell: ({ row }) =>
              row.original.allCustomers ? (
                <Badge variant="light" color="blue">
                  {t('partnerAdmins.allCustomers')}
                </Badge>
              ) : (
                <Badge variant="light" color="gray">
                  {row.original.source === 'provisioned'
                    ? t('partnerAdmins.provisioned')
                    : t('partnerAdmins.assigned')}
                </Badge>
              ),
          }),
          columns.display({
            id: 'actions',
            header: '',
            meta: { align: 'right' },
            cell: ({ row }) =>
              canEdit && !row.original.allCustomers ? (
                <Tooltip label={t('partnerAdmins.remove')}>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('partnerAdmins.removeNamed', { name: row.original.name })}
                    onClick={() => setRemoving(row.original)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              ) : null,
          }),
        ]}
      />
      <ConfirmDialog
        opened={removing !== null}
        title={t('partnerAdmins.remove')}
        message={t('partnerAdmins.removeText', { name: removing?.name ?? '' })}
        confirmLabel={t('partnerAdmins.remove')}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing.userId)}
        onClose={() => setRemoving(null)}
      />
    </Stack>
  );
}
