import {
  Badge,
  Button,
  Drawer,
  Group,
  Modal,
  PasswordInput,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconSettings, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiPatch, apiPost } from '../../lib/api';
import { useServerFieldMessages } from '../../lib/errors';
import type { ListResponse, PartnerRole, PartnerUser } from '../../lib/types';
import { useFormat, useIssueText } from '../../lib/useFormat';
import { hasIssues, minPasswordLength, validateNewUser } from '../../lib/validation';
import type { UserForm } from '../../lib/validation';
import { DataTable, dataColumns } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, MutationError } from '../../ui/ErrorState';
import { PageHeader } from '../../ui/PageHeader';
import { useMe } from '../../app/session';

export const partnerRoleOptions: readonly PartnerRole[] = [
  'partner_full_admin',
  'partner_admin',
  'partner_readonly_admin',
];
const columns = dataColumns<PartnerUser>();

export default function UsersPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => apiGet<ListResponse<PartnerUser>>('/users', { pageSize: 1000 }),
  });
  const [adding, setAdding] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = users.data?.items.find((user) => user.id === editingId) ?? null;

  const tableColumns = useMemo(
    () => [
      columns.display({
        id: 'name',
        header: t('common.name'),
        cell: ({ row }) => (
          <Stack gap={0}>
            <Text size="sm" fw={600}>
              {row.original.name}
            </Text>
            <Text size="xs" c="dimmed">
              {row.original.email}
            </Text>
          </Stack>
        ),
      }),
      columns.display({
        id: 'role',
        header: t('common.role'),
        cell: ({ row }) => t(`roles.${row.original.role}`),
      }),
      columns.display({
        id: 'status',
        header: t('users.status'),
        cell: ({ row }) => (
          <Badge variant="light" color={row.original.active ? 'teal' : 'gray'}>
            {row.original.active ? t('users.active') : t('users.deactivated')}
          </Badge>
        ),
      }),
      columns.display({
        id: 'customers',
        header: t('users.customers'),
        meta: { align: 'right' },
        cell: ({ row }) =>
          row.original.role === 'partner_admin'
            ? format.number(row.original.customerCount ?? 0)
            : t('partnerAdmins.allCustomers'),
      }),
      columns.display({
        id: 'lastSignIn',
        header: t('details.lastSignIn'),
        meta: { nowrap: true },
        cell: ({ row }) => format.dateTime(row.original.lastSignInAt),
      }),
      columns.display({
        id: 'actions',
        header: '',
        meta: { align: 'right' },
        cell: ({ row }) => (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconSettings size={14} />}
            onClick={() => setEditingId(row.original.id)}
            aria-label={t('users.manageNamed', { name: row.original.name })}
          >
            {t('users.manage')}
          </Button>
        ),
      }),
    ],
    [t, format],
  );

  return (
    <>
      <PageHeader
        title={t('nav.users')}
        description={t('users.intro')}
        actions={
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
            {t('users.add')}
          </Button>
        }
      />
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <DataTable
          caption={t('nav.users')}
          minWidth={760}
          loading={users.isPending}
          data={users.data?.items ?? emptyUsers}
          getRowId={(user) => user.id}
          columns={tableColumns}
          empty={<EmptyState title={t('users.emptyTitle')} />}
        />
      )}
      {adding ? <AddUserModal onClose={() => setAdding(false)} /> : null}
      <Drawer
        opened={editing !== null}
        onClose={() => setEditingId(null)}
        position="right"
        title={editing?.name}
        size="md"
      >
        {editing ? <UserDrawerBody key={editing.id} user={editing} /> : null}
      </Drawer>
    </>
  );
}

const emptyUsers: PartnerUser[] = [];

function AddUserModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const issueText = useIssueText();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<UserForm>({ email: '', name: '', password: '' });
  const [role, setRole] = useState<PartnerRole>('partner_admin');
  const [submitted, setSubmitted] = useState(false);
  const issues = validateNewUser(form);
  const create = useMutation({
    mutationFn: () =>
      apiPost<PartnerUser>('/users', {
        email: form.email.trim(),
        name: form.name.trim(),
        role,
        password: form.password,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      await queryClient.invalidateQueries({ queryKey: ['administrators'] });
      onClose();
    },
  });
  const server = useServerFieldMessages(create.error);
  const show = (field: keyof UserForm) =>
    submitted ? issueText(issues[field], server[field]) : server[field];

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (hasIssues(issues)) return;
    create.mutate();
  }

  return (
    <Modal opened onClose={onClose} title={t('users.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('common.email')}
            type="email"
            required
            value={form.email}
            onChange={(event) => setForm({ ...form, email: event.currentTarget.value })}
            error={show('email')}
            data-autofocus
          />
          <TextInput
            label={t('common.name')}
            required
            value={form.name}
            onChange={(event) => setForm({ ...form, name: event.currentTarget.value })}
            error={show('name')}
          />
          <Select
            label={t('users.administratorRole')}
            data={partnerRoleOptions.map((value) => ({ value, label: t(`roles.${value}`) }))}
            value={role}
            allowDeselect={false}
            onChange={(value) => {
              if (
                value === 'partner_full_admin' ||
                value === 'partner_admin' ||
                value === 'partner_readonly_admin'
              )
                setRole(value);
            }}
          />
          <PasswordInput
            visibilityToggleButtonProps={{ 'aria-label': t('auth.togglePassword') }}
            label={t('users.initialPassword')}
            description={t('onboarding.passwordHint', { min: minPasswordLength })}
            required
            autoComplete="new-password"
            value={form.password}
            onChange={(event) => setForm({ ...form, password: event.currentTarget.value })}
            error={show('password')}
          />
          <MutationError error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('users.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function UserDrawerBody({ user }: { user: PartnerUser }) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<PartnerRole>(user.role);
  const isSelf = user.id === me.user.id;
  const update = useMutation({
    mutationFn: (patch: { role?: PartnerRole; active?: boolean }) =>
      apiPatch<PartnerUser>(`/users/${encodeURIComponent(user.id)}`, patch),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      await queryClient.invalidateQueries({ queryKey: ['administrators'] });
    },
  });

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {user.email}
      </Text>
      <Title order={2} size="h4">
        {t('users.rolesAndSecurity')}
      </Title>
      <Radio.Group
        label={t('users.administratorRoles')}
        value={role}
        onChange={(value) => {
          if (
            value === 'partner_full_admin' ||
            value === 'partner_admin' ||
            value === 'partner_readonly_admin'
          )
            setRole(value);
        }}
      >
        <Stack gap="xs" mt="xs">
          {partnerRoleOptions.map((value) => (
            <Radio
              key={value}
              value={value}
              label={t(`roles.${value}`)}
              description={t(`users.roleHelp.${value}`)}
              disabled={isSelf}
            />
          ))}
        </Stack>
      </Radio.Group>
      {isSelf ? (
        <Text size="xs" c="dimmed">
          {t('users.cannotChangeSelf')}
        </Text>
      ) : null}
      <Group>
        <Button
          disabled={isSelf || role === user.role}
          loading={update.isPending && update.variables?.role !== undefined}
          onClick={() => update.mutate({ role })}
        >
          {t('common.save')}
        </Button>
      </Group>
      <Title order={2} size="h4" mt="md">
        {t('users.access')}
      </Title>
      <Group>
        <Button
          variant="light"
          color={user.active ? 'red' : 'teal'}
          disabled={isSelf}
          loading={update.isPending && update.variables?.active !== undefined}
          onClick={() => update.mutate({ active: !user.active })}
        >
          {user.active ? t('users.deactivate') : t('users.reactivate')}
        </Button>
      </Group>
      <MutationError error={update.error} />
      {update.isSuccess ? (
        <Text size="sm" c="teal" role="status">
          {t('common.saved')}
        </Text>
      ) : null}
    </Stack>
  );
}
