import { Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPost } from '../../lib/api';
import { useServerFieldMessages } from '../../lib/errors';
import { countryOptions } from '../../lib/format';
import type { Product, StartTrialAnswer } from '../../lib/types';
import { useFormat, useIssueText } from '../../lib/useFormat';
import { productList } from '../../lib/urlState';
import { hasIssues, trialDurations, trialProducts, validateTrial } from '../../lib/validation';
import type { TrialForm } from '../../lib/validation';
import { MutationError } from '../../ui/ErrorState';
import { InvitationLink } from '../../ui/InvitationLink';
import { ProductLicenses } from './ProductLicenses';

export type TrialCustomer = { id: string; name: string; country: string | null; adminEmail: string | null };

function emptyForm(customer?: TrialCustomer): TrialForm {
  return {
    companyName: customer?.name ?? '',
    adminEmail: customer?.adminEmail ?? '',
    country: customer?.country ?? null,
    products: {},
    durationDays: 30,
  };
}

export function StartTrialModal({
  opened,
  onClose,
  customer,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  customer?: TrialCustomer;
  onCreated: (result: StartTrialAnswer) => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('trials.start')} size="lg" fullScreen={false}>
      {opened ? <TrialFormBody customer={customer} onClose={onClose} onCreated={onCreated} /> : null}
    </Modal>
  );
}

function TrialFormBody({
  customer,
  onClose,
  onCreated,
}: {
  customer?: TrialCustomer;
  onClose: () => void;
  onCreated: (result: StartTrialAnswer) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const issueText = useIssueText();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<TrialForm>(() => emptyForm(customer));
  const [submitted, setSubmitted] = useState(false);
  const countries = useMemo(() => countryOptions(format.language), [format.language]);
  const issues = validateTrial(form, Boolean(customer));

  const create = useMutation({
    mutationFn: () =>
      apiPost<StartTrialAnswer>('/trials', {
        adminEmail: form.adminEmail.trim(),
        products: trialProducts(form.products),
        durationDays: form.durationDays,
        ...(customer
          ? { customerId: customer.id }
          : { companyName: form.companyName.trim(), country: form.country }),
      }),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['customers'] }),
        queryClient.invalidateQueries({ queryKey: ['kpis'] }),
        queryClient.invalidateQueries({ queryKey: ['customer', result.customerId] }),
      ]);
      if (!result.invitation) {
        onClose();
        onCreated(result);
      }
    },
  });
  const server = useServerFieldMessages(create.error);
  const show = (field: keyof typeof issues, serverKey: string = field) =>
    submitted ? issueText(issues[field], server[serverKey]) : server[serverKey];

  const licenseErrors: Partial<Record<Product, string>> = {};
  productList.forEach((product, index) => {
    const chosenIndex = Object.keys(form.products).indexOf(product);
    const message = show(
      `licenses.${product}`,
      `products.${chosenIndex >= 0 ? chosenIndex : index}.licenses`,
    );
    if (message) licenseErrors[product] = message;
  });

  if (create.data?.invitation) {
    const result = create.data;
    return (
      <Stack>
        <Text fw={600}>{t('trials.started')}</Text>
        <InvitationLink email={create.data.invitation.email} url={create.data.invitation.url} />
        <Group justify="flex-end">
          <Button
            onClick={() => {
              onClose();
              onCreated(result);
            }}
          >
            {t('trials.openCustomer')}
          </Button>
        </Group>
      </Stack>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (hasIssues(issues)) return;
    create.mutate();
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label={t('trials.companyName')}
          required
          value={form.companyName}
          readOnly={Boolean(customer)}
          onChange={(event) => setForm({ ...form, companyName: event.currentTarget.value })}
          error={show('companyName')}
          data-autofocus
        />
        <TextInput
          label={t('trials.adminEmail')}
          description={t('trials.adminEmailHint')}
          required
          type="email"
          value={form.adminEmail}
          onChange={(event) => setForm({ ...form, adminEmail: event.currentTarget.value })}
          error={show('adminEmail')}
        />
        {customer ? null : (
          <Select
            label={t('common.country')}
            required
            searchable
            data={countries}
            value={form.country}
            onChange={(value) => setForm({ ...form, country: value })}
            error={show('country')}
          />
        )}
        <ProductLicenses
          value={form.products}
          onChange={(products) => setForm({ ...form, products })}
          errors={licenseErrors}
          groupError={show('products')}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="trial-duration-label">
            {t('trials.duration')}
          </Text>
          <SegmentedControl
            aria-labelledby="trial-duration-label"
            value={String(form.durationDays ?? 30)}
            onChange={(value) => setForm({ ...form, durationDays: Number(value) })}
            data={trialDurations.map((days) => ({
              value: String(days),
              label: t('trials.days', { count: days }),
            }))}
          />
        </Stack>
        <MutationError error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('trials.start')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
