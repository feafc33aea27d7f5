import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconArrowLeft, IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { apiDelete, apiGet, apiPost, serverFieldMessages } from '../../lib/api';
import { isKnownRole, isPartnerRole } from '../../lib/permissions';
import type {
  ConsoleData,
  CustomerAdmin,
  CustomerRole,
  ExternalAdmin,
  InviteAdminAnswer,
} from '../../lib/types';
import { useFormat, useIssueText } from '../../lib/useFormat';
import { hasIssues, validatePerson } from '../../lib/validation';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { DataTable, dataColumns } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, MutationError } from '../../ui/ErrorState';
import { LoadingState } from '../../ui/LoadingState';
import { InvitationLink } from '../../ui/InvitationLink';
import { UsageLegend } from '../../ui/UsageBar';
import { LicenseTable } from '../../ui/LicenseTable';
import { useMe } from '../../app/session';
import { subscriptionStatusColors } from '../customer-details/SubscriptionsTab';

const customerRoleOptions: readonly CustomerRole[] = ['customer_full_admin', 'customer_readonly_admin'];
const adminColumns = dataColumns<CustomerAdmin>();
const externalColumns = dataColumns<ExternalAdmin>();
type Removal = { kind: 'admins' | 'external-admins'; email: string; name: string };

export default function ConsolePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { customerId } = useParams({ from: '/_authed/console/$customerId' });
  const queryClient = useQueryClient();
  const base = `/console/${encodeURIComponent(customerId)}`;
  const consoleQuery = useQuery({
    queryKey: ['console', customerId],
    queryFn: () => apiGet<ConsoleData>(base),
  });
  const [inviting, setInviting] = useState<'admin' | 'external' | null>(null);
  const [removing, setRemoving] = useState<Removal | null>(null);
  const remove = useMutation({
    mutationFn: (target: Removal) => apiDelete(`${base}/${target.kind}/${encodeURIComponent(target.email)}`),
    onSuccess: async () => {
      setRemoving(null);
      await queryClient.invalidateQueries({ queryKey: ['console', customerId] });
      await queryClient.invalidateQueries({ queryKey: ['customer', customerId] });
    },
  });

  const back = isPartnerRole(me.user.role) ? (
    <Anchor
      size="sm"
      renderRoot={(props) => <Link {...props} to="/customers/$customerId" params={{ customerId }} />}
    >
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        {t('console.backToCustomer')}
      </Group>
    </Anchor>
  ) : null;

  if (consoleQuery.isPending) return <LoadingState />;
  if (consoleQuery.isError)
    return (
      <Stack>
        {back}
        <ErrorState error={consoleQuery.error} onRetry={() => void consoleQuery.refetch()} />
      </Stack>
    );

  const data = consoleQuery.data;
  const canEdit = data.access === 'full';

  return (
    <Stack gap="md">
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text size="sm" c="dimmed">
            {t('console.title')}
          </Text>
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {data.organization.name}
          </Title>
        </Stack>
        <Badge size="lg" variant="light" color={canEdit ? 'teal' : 'gray'}>
          {canEdit ? t('console.fullAccess') : t('console.readOnly')}
        </Badge>
      </Group>

      <Section title={t('console.profile')} id="console-profile">
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="md">
          <Fact label={t('common.name')} value={data.organization.name} />
          <Fact label={t('common.country')} value={format.country(data.organization.country)} />
          <Fact label={t('details.createdAt')} value={format.date(data.organization.createdAt)} />
        </SimpleGrid>
      </Section>

      <Section
        title={t('console.customerAdmins')}
        id="console-admins"
        action={
          canEdit ? (
            <Button size="xs" leftSection={<IconUserPlus size={14} />} onClick={() => setInviting('admin')}>
              {t('console.inviteAdmin')}
            </Button>
          ) : null
        }
      >
        <DataTable
          caption={t('console.customerAdmins')}
          minWidth={640}
          data={data.admins}
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
            adminColumns.display({
              id: 'actions',
              header: '',
              meta: { align: 'right' },
              cell: ({ row }) =>
                canEdit ? (
                  <RemoveButton
                    label={t('console.removeNamed', { name: row.original.name })}
                    onClick={() =>
                      setRemoving({ kind: 'admins', email: row.original.email, name: row.original.name })
                    }
                  />
                ) : null,
            }),
          ]}
        />
      </Section>

      <Section
        title={t('console.externalAdmins')}
        id="console-external"
        description={t('console.externalAdminsText')}
        action={
          canEdit ? (
            <Button
              size="xs"
              variant="default"
              leftSection={<IconUserPlus size={14} />}
              onClick={() => setInviting('external')}
            >
              {t('console.addExternal')}
            </Button>
          ) : null
        }
      >
        <DataTable
          caption={t('console.externalAdmins')}
          minWidth={560}
          data={data.externalAdmins}
          getRowId={(admin) => admin.email}
          empty={<EmptyState title={t('console.noExternal')} />}
          columns={[
            externalColumns.display({
              id: 'name',
              header: t('common.name'),
              cell: ({ row }) => row.original.name,
            }),
            externalColumns.display({
              id: 'email',
              header: t('common.email'),
              cell: ({ row }) => row.original.email,
            }),
            externalColumns.display({
              id: 'added',
              header: t('console.added'),
              meta: { nowrap: true },
              cell: ({ row }) => format.dateTime(row.original.addedAt),
            }),
            externalColumns.display({
              id: 'actions',
              header: '',
              meta: { align: 'right' },
              cell: ({ row }) =>
                canEdit ? (
                  <RemoveButton
                    label={t('console.removeNamed', { name: row.original.name })}
                    onClick={() =>
                      setRemoving({
                        kind: 'external-admins',
                        email: row.original.email,
                        name: row.original.name,
                      })
                    }
                  />
                ) : null,
            }),
          ]}
        />
      </Section>

      <Section title={t('details.tabSubscriptions')} id="console-subscriptions" action={<UsageLegend />}>
        {data.subscriptions.length === 0 ? (
          <EmptyState title={t('subscriptions.emptyTitle')} />
        ) : (
          <Stack gap="lg">
            {data.subscriptions.map((subscription) => (
              <div key={subscription.id}>
                <Group gap="xs" mb={6} wrap="wrap">
                  <Text fw={600}>{subscription.kind === 'trial' ? t('trials.trial') : subscription.id}</Text>
                  <Badge color={subscriptionStatusColors[subscription.status]} variant="light">
                    {t(`subscriptions.status.${subscription.status}`)}
                  </Badge>
                  <Text size="sm" c="dimmed">
                    {format.date(subscription.startDate)} – {format.date(subscription.endDate)}
                  </Text>
                </Group>
                <LicenseTable subscriptionId={subscription.id} rows={subscription.products} />
              </div>
            ))}
          </Stack>
        )}
      </Section>

      {inviting ? (
        <InviteModal
          kind={inviting}
          path={inviting === 'admin' ? `${base}/admins` : `${base}/external-admins`}
          onClose={() => setInviting(null)}
          onDone={async () => {
            setInviting(null);
            await queryClient.invalidateQueries({ queryKey: ['console', customerId] });
            await queryClient.invalidateQueries({ queryKey: ['customer', customerId] });
          }}
        />
      ) : null}
      <ConfirmDialog
        opened={removing !== null}
        title={t('console.remove')}
        message={t('console.removeText', { name: removing?.name ?? '', email: removing?.email ?? '' })}
        confirmLabel={t('console.remove')}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      />
    </Stack>
  );
}

function Section({
  title,
  id,
  description,
  action,
  children,
}: {
  title: string;
  id: string;
  description?: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs" mb="sm">
        <div>
          <Title order={2} size="h4" id={id}>
            {title}
          </Title>
          {description ? (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          ) : null}
        </div>
        {action}
      </Group>
      {children}
    </Paper>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </div>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color="red" aria-label={label} onClick={onClick}>
        <IconTrash size={16} />
      </ActionIcon>
    </Tooltip>
  );
}

function InviteModal({
  kind,
  path,
  onClose,
  onDone,
}: {
  kind: 'admin' | 'external';
  path: string;
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const issueText = useIssueText();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<CustomerRole>('customer_full_admin');
  const [submitted, setSubmitted] = useState(false);
  const issues = validatePerson({ email, name });
  const save = useMutation({
    mutationFn: () =>
      apiPost<Partial<InviteAdminAnswer> | undefined>(
        path,
        kind === 'admin'
          ? { email: email.trim(), name: name.trim(), role }
          : { email: email.trim(), name: name.trim() },
      ),
    onSuccess: async (answer) => {
      if (!answer?.invitation) await onDone();
    },
  });
  const server = serverFieldMessages(save.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (hasIssues(issues)) return;
    save.mutate();
  }

  const invitation = save.data?.invitation;
  if (invitation) {
    return (
      <Modal opened onClose={() => void onDone()} title={t('console.inviteAdmin')}>
        <Stack>
          <InvitationLink email={invitation.email} url={invitation.url} />
          <Group justify="flex-end">
            <Button onClick={() => void onDone()}>{t('common.done')}</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal
      opened
      onClose={onClose}
      title={kind === 'admin' ? t('console.inviteAdmin') : t('console.addExternal')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('common.email')}
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={submitted ? issueText(issues.email, server.email) : server.email}
            data-autofocus
          />
          <TextInput
            label={t('common.name')}
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={submitted ? issueText(issues.name, server.name) : server.name}
          />
          {kind === 'admin' ? (
            <Select
              label={t('common.role')}
              data={customerRoleOptions.map((value) => ({ value, label: t(`roles.${value}`) }))}
              value={role}
              allowDeselect={false}
              onChange={(value) => {
                if (value === 'customer_full_admin' || value === 'customer_readonly_admin') setRole(value);
              }}
            />
          ) : null}
          <MutationError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {kind === 'admin' ? t('console.invite') : t('console.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
