import { Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconCalendarPlus, IconEdit, IconPlus, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPatch, apiPost } from '../../lib/api';
import { canManageCustomers } from '../../lib/permissions';
import type { CustomerDetails, CustomerSubscription, Product, Trial } from '../../lib/types';
import { useFormat, useIssueText } from '../../lib/useFormat';
import { licenseIssue, trialProducts } from '../../lib/validation';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { MutationError } from '../../ui/ErrorState';
import { useMe } from '../../app/session';
import { ProductLicenses } from '../trials/ProductLicenses';
import type { ProductChoice } from '../trials/ProductLicenses';
import { StartTrialModal } from '../trials/StartTrialModal';
import { subscriptionStatusColors } from './SubscriptionsTab';

type TrialSubscription = CustomerSubscription;

/** An extension makes a trial end this many days from today (docs/api.md); the server refuses a shorter one. */
const extensionDays = 30;

function isOpen(trial: TrialSubscription): boolean {
  return trial.active;
}

export function TrialsTab({ customer, customerId }: { customer: CustomerDetails; customerId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const canManage = canManageCustomers(me.user.role);
  const [startOpen, setStartOpen] = useState(false);
  const trials = customer.trials ?? [];
  const open = trials.filter(isOpen);
  const past = trials.filter((trial) => !isOpen(trial));

  return (
    <Stack gap="md">
      {open.length === 0 ? (
        <EmptyState
          title={t('trials.noneTitle')}
          description={t('trials.noneText')}
          action={
            canManage ? (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setStartOpen(true)}>
                {t('trials.start')}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      {open.map((trial) => (
        <TrialCard key={trial.id} trial={trial} customerId={customerId} canManage={canManage} />
      ))}
      {past.length > 0 ? (
        <>
          <Title order={3} size="h5" mt="sm">
            {t('trials.past')}
          </Title>
          {past.map((trial) => (
            <TrialCard key={trial.id} trial={trial} customerId={customerId} canManage={false} />
          ))}
        </>
      ) : null}
      {canManage ? (
        <StartTrialModal
          opened={startOpen}
          onClose={() => setStartOpen(false)}
          customer={{
            id: customerId,
            name: customer.name,
            country: customer.country,
            adminEmail: customer.admins?.[0]?.email ?? null,
          }}
          onCreated={() =>
            void navigate({
              to: '/customers/$customerId',
              params: { customerId },
              search: { tab: 'trials' },
            })
          }
        />
      ) : null}
    </Stack>
  );
}

function TrialCard({
  trial,
  customerId,
  canManage,
}: {
  trial: TrialSubscription;
  customerId: string;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['customer', customerId] }),
      queryClient.invalidateQueries({ queryKey: ['customers'] }),
      queryClient.invalidateQueries({ queryKey: ['kpis'] }),
    ]);
  const path = `/trials/${encodeURIComponent(trial.id)}`;
  // A refusal (extended meanwhile in another tab, say) also reloads the trial, so the card shows why.
  const extend = useMutation({ mutationFn: () => apiPost<Trial>(`${path}/extend`), onSettled: refresh });
  const cancel = useMutation({
    mutationFn: () => apiPost<Trial>(`${path}/cancel`),
    onSuccess: async () => {
      await refresh();
      setConfirmCancel(false);
    },
  });
  const headingId = `trial-${trial.id}`;
  const extendNoteId = `trial-${trial.id}-extend-note`;
  // Say why Extend is unavailable instead of offering an action the server would refuse.
  const extendBlocked = trial.extended
    ? t('trials.extendedOnce')
    : trial.daysLeft >= extensionDays
      ? t('trials.extendNotYet', { days: extensionDays })
      : null;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <Stack gap={2}>
          <Title order={3} size="h4" id={headingId}>
            {t('trials.trial')}{' '}
            <Text span c="dimmed" size="sm" fw={400}>
              {trial.id}
            </Text>
          </Title>
          <Group gap={6}>
            <Badge color={subscriptionStatusColors[trial.status]} variant="light">
              {t(`subscriptions.status.${trial.status}`)}
            </Badge>
            {trial.extended ? (
              <Badge color="gray" variant="outline">
                {t('trials.extended')}
              </Badge>
            ) : null}
          </Group>
        </Stack>
        {canManage ? (
          <Group gap="xs" wrap="wrap">
            <Button
              size="xs"
              variant="default"
              leftSection={<IconEdit size={14} />}
              onClick={() => setEditing(true)}
            >
              {t('trials.edit')}
            </Button>
            <Tooltip label={extendBlocked} disabled={!extendBlocked}>
              <Button
                size="xs"
                variant="default"
                leftSection={<IconCalendarPlus size={14} />}
                disabled={extendBlocked !== null}
                aria-describedby={extendBlocked ? extendNoteId : undefined}
                loading={extend.isPending}
                onClick={() => extend.mutate()}
              >
                {t('trials.extend')}
              </Button>
            </Tooltip>
            <Button
              size="xs"
              variant="light"
              color="red"
              leftSection={<IconX size={14} />}
              onClick={() => setConfirmCancel(true)}
            >
              {t('trials.cancel')}
            </Button>
          </Group>
        ) : null}
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }} mt="sm" spacing="sm">
        <Fact label={t('trials.startDate')} value={format.date(trial.startDate)} />
        <Fact label={t('trials.endDate')} value={format.date(trial.effectiveEnd || trial.endDate)} />
        <Fact label={t('trials.daysLeft')} value={format.number(Math.max(trial.daysLeft, 0))} />
        <Fact
          label={t('trials.licenses')}
          value={format.number(trial.licenses.reduce((sum, line) => sum + line.purchased, 0))}
        />
      </SimpleGrid>
      <Group gap={6} mt="sm">
        {trial.licenses.map((line) => (
          <Badge key={line.product} variant="outline" color="gray" radius="sm" tt="none">
            {t(`products.${line.product}`)}: {format.number(line.purchased)} ({t('licenses.assigned')}:{' '}
            {format.number(line.assigned)})
          </Badge>
        ))}
      </Group>
      <Stack mt="xs" gap="xs">
        {canManage && extendBlocked ? (
          <Text size="xs" c="dimmed" id={extendNoteId}>
            {extendBlocked}
          </Text>
        ) : null}
        <MutationError error={extend.error} />
      </Stack>
      {editing ? <EditTrialModal trial={trial} onClose={() => setEditing(false)} onSaved={refresh} /> : null}
      <ConfirmDialog
        opened={confirmCancel}
        title={t('trials.cancelTitle')}
        message={t('trials.cancelText', { id: trial.id })}
        confirmLabel={t('trials.cancel')}
        danger
        busy={cancel.isPending}
        error={cancel.error}
        onConfirm={() => cancel.mutate()}
        onClose={() => setConfirmCancel(false)}
      />
    </Paper>
  );
}

function EditTrialModal({
  trial,
  onClose,
  onSaved,
}: {
  trial: TrialSubscription;
  onClose: () => void;
  onSaved: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const issueText = useIssueText();
  const [products, setProducts] = useState<ProductChoice>(() =>
    Object.fromEntries(trial.licenses.map((line) => [line.product, line.purchased])),
  );
  const [submitted, setSubmitted] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      apiPatch<Trial>(`/trials/${encodeURIComponent(trial.id)}`, {
        products: trialProducts(products),
      }),
    onSuccess: async () => {
      await onSaved();
      onClose();
    },
  });
  const errors: Partial<Record<Product, string>> = {};
  for (const [product, licenses] of Object.entries(products) as [Product, number | string][]) {
    const message = issueText(licenseIssue(licenses));
    if (message && submitted) errors[product] = message;
  }
  const empty = Object.keys(products).length === 0;

  return (
    <Modal opened onClose={onClose} title={t('trials.editTitle', { id: trial.id })} size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (empty || Object.values(products).some((licenses) => licenseIssue(licenses))) return;
          save.mutate();
        }}
      >
        <Stack>
          <ProductLicenses
            value={products}
            onChange={setProducts}
            errors={errors}
            groupError={submitted && empty ? t('validation.productRequired') : undefined}
          />
          <MutationError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
}
