import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  TextInput,
} from '@mantine/core';
import { IconCheck, IconCopy, IconKey, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiDelete, apiGet, apiPost } from '../../lib/api';
import { useServerFieldMessages } from '../../lib/errors';
import type { ApiToken, TokenScope } from '../../lib/types';
import { useFormat, useIssueText } from '../../lib/useFormat';
import { hasIssues, validateToken } from '../../lib/validation';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { DataTable, dataColumns } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, MutationError } from '../../ui/ErrorState';
import { PageHeader } from '../../ui/PageHeader';

const scopes: readonly TokenScope[] = ['read', 'ingest'];
const columns = dataColumns<ApiToken>();
type Created = { id: string; name: string; scopes: TokenScope[]; token: string };

export default function TokensPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => apiGet<{ items: ApiToken[] }>('/tokens') });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => apiDelete(`/tokens/${encodeURIComponent(id)}`),
    onSuccess: async () => {
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
  });

  const tableColumns = useMemo(
    () => [
      columns.display({ id: 'name', header: t('common.name'), cell: ({ row }) => row.original.name }),
      columns.display({
        id: 'scopes',
        header: t('tokens.scopes'),
        cell: ({ row }) => (
          <Group gap={4}>
            {row.original.scopes.map((scope) => (
              <Badge key={scope} variant="light" radius="sm">
                {t(`tokens.scope.${scope}`)}
              </Badge>
            ))}
          </Group>
        ),
      }),
      columns.display({
        id: 'created',
        header: t('tokens.created'),
        meta: { nowrap: true },
        cell: ({ row }) => format.dateTime(row.original.createdAt),
      }),
      columns.display({
        id: 'lastUsed',
        header: t('tokens.lastUsed'),
        meta: { nowrap: true },
        cell: ({ row }) =>
          row.original.lastUsedAt ? format.dateTime(row.original.lastUsedAt) : t('tokens.never'),
      }),
      columns.display({
        id: 'status',
        header: t('users.status'),
        cell: ({ row }) =>
          row.original.revokedAt ? (
            <Badge color="gray" variant="light">
              {t('tokens.revokedOn', { date: format.date(row.original.revokedAt.slice(0, 10)) })}
            </Badge>
          ) : (
            <Badge color="teal" variant="light">
              {t('users.active')}
            </Badge>
          ),
      }),
      columns.display({
        id: 'actions',
        header: '',
        meta: { align: 'right' },
        cell: ({ row }) =>
          row.original.revokedAt ? null : (
            <Button
              size="xs"
              variant="light"
              color="red"
              leftSection={<IconTrash size={14} />}
              aria-label={t('tokens.revokeNamed', { name: row.original.name })}
              onClick={() => setRevoking(row.original)}
            >
              {t('tokens.revoke')}
            </Button>
          ),
      }),
    ],
    [t, format],
  );

  return (
    <>
      <PageHeader
        title={t('nav.tokens')}
        description={t('tokens.intro')}
        actions={
          <Button leftSection={<IconKey size={16} />} onClick={() => setCreating(true)}>
            {t('tokens.create')}
          </Button>
        }
      />
      {tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : (
        <DataTable
          caption={t('nav.tokens')}
          minWidth={760}
          loading={tokens.isPending}
          data={tokens.data?.items ?? emptyTokens}
          getRowId={(token) => token.id}
          columns={tableColumns}
          empty={<EmptyState title={t('tokens.emptyTitle')} description={t('tokens.emptyText')} />}
        />
      )}
      {creating ? <CreateTokenModal onClose={() => setCreating(false)} /> : null}
      <ConfirmDialog
        opened={revoking !== null}
        title={t('tokens.revoke')}
        message={t('tokens.revokeText', { name: revoking?.name ?? '' })}
        confirmLabel={t('tokens.revoke')}
        danger
        busy={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(null)}
      />
    </>
  );
}

const emptyTokens: ApiToken[] = [];

function CreateTokenModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const issueText = useIssueText();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<TokenScope[]>(['read']);
  const [submitted, setSubmitted] = useState(false);
  const issues = validateToken({ name, scopes: chosen });
  const create = useMutation({
    mutationFn: () => apiPost<Created>('/tokens', { name: name.trim(), scopes: chosen }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
  const server = useServerFieldMessages(create.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (hasIssues(issues)) return;
    create.mutate();
  }

  if (create.data) {
    const token = create.data.token;
    return (
      <Modal opened onClose={onClose} title={t('tokens.createdTitle')} closeOnClickOutside={false}>
        <Stack>
          <Alert color="yellow" role="status">
            {t('tokens.shownOnce')}
          </Alert>
          <Code
            block
            style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
            aria-label={t('tokens.token')}
          >
            {token}
          </Code>
          <Group justify="space-between">
            <CopyButton value={token}>
              {({ copied, copy }) => (
                <Button
                  variant={copied ? 'light' : 'filled'}
                  color={copied ? 'teal' : 'blue'}
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={copy}
                >
                  {copied ? t('tokens.copied') : t('tokens.copy')}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              {t('common.done')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened onClose={onClose} title={t('tokens.create')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('common.name')}
            description={t('tokens.nameHint')}
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={submitted ? issueText(issues.name, server.name) : server.name}
            data-autofocus
          />
          <Checkbox.Group
            label={t('tokens.scopes')}
            required
            value={chosen}
            onChange={(values) => setChosen(scopes.filter((scope) => values.includes(scope)))}
            error={submitted ? issueText(issues.scopes, server.scopes) : server.scopes}
          >
            <Stack gap="xs" mt="xs">
              {scopes.map((scope) => (
                <Checkbox
                  key={scope}
                  value={scope}
                  label={t(`tokens.scope.${scope}`)}
                  description={t(`tokens.scopeHelp.${scope}`)}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <MutationError error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('tokens.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
