import {
  Button,
  Group,
  Modal,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiPost } from '../../lib/api';
import { useServerFieldMessages } from '../../lib/errors';
import { countryOptions } from '../../lib/format';
import type { CustomerListItem, ListResponse, OrderSetupAnswer, OrderWithSuggestions } from '../../lib/types';
import { useFormat, useIssueText } from '../../lib/useFormat';
import { isEmail, validateNewCustomer } from '../../lib/validation';
import { ErrorState, MutationError } from '../../ui/ErrorState';
import { InvitationLink } from '../../ui/InvitationLink';
import { LoadingState } from '../../ui/LoadingState';

type SetupResult = OrderSetupAnswer;
type Choice = { kind: 'suggested'; customerId: string } | { kind: 'existing' } | { kind: 'new' };

export function SetUpOrderModal({
  orderNumber,
  onClose,
  onDone,
}: {
  orderNumber: string;
  onClose: () => void;
  onDone: (result: SetupResult) => void;
}) {
  const { t } = useTranslation();
  const order = useQuery({
    queryKey: ['order', orderNumber],
    queryFn: () => apiGet<OrderWithSuggestions>(`/orders/${encodeURIComponent(orderNumber)}`),
  });
  return (
    <Modal opened onClose={onClose} title={t('orders.setUpTitle', { number: orderNumber })} size="xl">
      {order.isPending ? <LoadingState /> : null}
      {order.isError ? <ErrorState error={order.error} onRetry={() => void order.refetch()} /> : null}
      {order.data ? <Wizard order={order.data} onClose={onClose} onDone={onDone} /> : null}
    </Modal>
  );
}

function Wizard({
  order,
  onClose,
  onDone,
}: {
  order: OrderWithSuggestions;
  onClose: () => void;
  onDone: (result: SetupResult) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const issueText = useIssueText();
  const queryClient = useQueryClient();
  const [step, setStep] = useState(0);
  const firstSuggestion = order.suggestions[0];
  const [choice, setChoice] = useState<Choice>(
    firstSuggestion ? { kind: 'suggested', customerId: firstSuggestion.customerId } : { kind: 'new' },
  );
  const [existing, setExisting] = useState<{ id: string; name: string } | null>(null);
  const [lookup, setLookup] = useState('');
  const [debouncedLookup] = useDebouncedValue(lookup, 250);
  const [newName, setNewName] = useState(order.customerName);
  const [newCountry, setNewCountry] = useState<string | null>(null);
  const [contactEmail, setContactEmail] = useState(order.contactEmail);
  const [touched, setTouched] = useState(false);
  const countries = useMemo(() => countryOptions(format.language), [format.language]);

  const candidates = useQuery({
    queryKey: ['customer-lookup', debouncedLookup],
    queryFn: ({ signal }) =>
      apiGet<ListResponse<CustomerListItem>>(
        '/customers',
        { q: debouncedLookup, pageSize: 20, sort: 'name' },
        signal,
      ),
    enabled: choice.kind === 'existing',
    placeholderData: keepPreviousData,
  });
  const candidateOptions = (candidates.data?.items ?? [])
    .filter((item): item is CustomerListItem & { id: string } => item.id !== null)
    .map((item) => ({ value: item.id, label: item.name }));
  if (existing && !candidateOptions.some((option) => option.value === existing.id)) {
    candidateOptions.unshift({ value: existing.id, label: existing.name });
  }

  const newIssues = validateNewCustomer({ name: newName, country: newCountry, contactEmail });
  const customerStepValid =
    choice.kind === 'suggested' ||
    (choice.kind === 'existing' && existing !== null) ||
    (choice.kind === 'new' && !newIssues.name && !newIssues.country);
  const contactValid = isEmail(contactEmail);

  const setup = useMutation({
    mutationFn: () =>
      apiPost<SetupResult>(`/orders/${encodeURIComponent(order.number)}/setup`, {
        ...(choice.kind === 'suggested'
          ? { customerId: choice.customerId }
          : choice.kind === 'existing'
            ? { customerId: existing?.id }
            : { newCustomer: { name: newName.trim(), country: newCountry } }),
        contactEmail: contactEmail.trim(),
      }),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['customers'] }),
        queryClient.invalidateQueries({ queryKey: ['kpis'] }),
        queryClient.invalidateQueries({ queryKey: ['customer', result.customerId] }),
        queryClient.invalidateQueries({ queryKey: ['order', order.number] }),
      ]);
      if (!result.invitation) {
        onClose();
        onDone(result);
      }
    },
  });
  const server = useServerFieldMessages(setup.error);

  const chosenName =
    choice.kind === 'suggested'
      ? order.suggestions.find((s) => s.customerId === choice.customerId)?.name
      : choice.kind === 'existing'
        ? existing?.name
        : t('orders.newCustomerNamed', { name: newName.trim() });

  const radioValue = choice.kind === 'suggested' ? `suggested:${choice.customerId}` : choice.kind;

  if (setup.data?.invitation) {
    const result = setup.data;
    return (
      <Stack>
        <Text fw={600}>{t('orders.done')}</Text>
        <InvitationLink email={setup.data.invitation.email} url={setup.data.invitation.url} />
        <Group justify="flex-end">
          <Button
            onClick={() => {
              onClose();
              onDone(result);
            }}
          >
            {t('trials.openCustomer')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack>
      <Paper withBorder p="sm" radius="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <Field label={t('orders.customerName')} value={order.customerName} />
          <Field label={t('subscriptions.id')} value={order.subscriptionId} />
          <Field label={t('orders.requestedStart')} value={format.date(order.requestedStartDate)} />
        </SimpleGrid>
      </Paper>
      <Stepper
        active={step}
        onStepClick={(next) => next < step && setStep(next)}
        size="sm"
        allowNextStepsSelect={false}
      >
        <Stepper.Step label={t('orders.stepCustomer')}>
          <Stack mt="sm">
            <Radio.Group
              label={t('orders.chooseCustomer')}
              value={radioValue}
              onChange={(value) => {
                if (value.startsWith('suggested:'))
                  setChoice({ kind: 'suggested', customerId: value.slice(10) });
                else if (value === 'existing') setChoice({ kind: 'existing' });
                else setChoice({ kind: 'new' });
              }}
            >
              <Stack gap="xs" mt="xs">
                {order.suggestions.map((suggestion) => (
                  <Radio
                    key={suggestion.customerId}
                    value={`suggested:${suggestion.customerId}`}
                    label={suggestion.name}
                    description={t('orders.suggestedBecause', {
                      reason: t(`orders.reason.${suggestion.reason}`),
                    })}
                  />
                ))}
                <Radio value="existing" label={t('orders.otherExisting')} />
                <Radio value="new" label={t('orders.createNew')} />
              </Stack>
            </Radio.Group>
            {choice.kind === 'existing' ? (
              <Select
                label={t('orders.findCustomer')}
                searchable
                searchValue={lookup}
                onSearchChange={setLookup}
                data={candidateOptions}
                value={existing?.id ?? null}
                onChange={(value, option) =>
                  setExisting(value && option ? { id: value, name: option.label } : null)
                }
                nothingFoundMessage={
                  candidates.isFetching ? t('common.loading') : t('orders.noCustomerFound')
                }
                filter={({ options }) => options}
                error={touched && !existing ? t('validation.required') : undefined}
              />
            ) : null}
            {choice.kind === 'new' ? (
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label={t('orders.newCustomerName')}
                  required
                  value={newName}
                  onChange={(event) => setNewName(event.currentTarget.value)}
                  error={
                    touched
                      ? issueText(newIssues.name, server['newCustomer.name'])
                      : server['newCustomer.name']
                  }
                />
                <Select
                  label={t('common.country')}
                  required
                  searchable
                  data={countries}
                  value={newCountry}
                  onChange={setNewCountry}
                  error={
                    touched
                      ? issueText(newIssues.country, server['newCustomer.country'])
                      : server['newCustomer.country']
                  }
                />
              </SimpleGrid>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button
                onClick={() => {
                  setTouched(true);
                  if (customerStepValid) {
                    setTouched(false);
                    setStep(1);
                  }
                }}
              >
                {t('common.next')}
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label={t('orders.stepContact')}>
          <Stack mt="sm">
            <TextInput
              label={t('orders.contactEmail')}
              description={t('orders.contactEmailHint')}
              required
              type="email"
              value={contactEmail}
              onChange={(event) => setContactEmail(event.currentTarget.value)}
              error={touched ? issueText(newIssues.contactEmail, server.contactEmail) : server.contactEmail}
            />
            <Group justify="space-between">
              <Button variant="default" onClick={() => setStep(0)}>
                {t('common.back')}
              </Button>
              <Button
                onClick={() => {
                  setTouched(true);
                  if (contactValid) {
                    setTouched(false);
                    setStep(2);
                  }
                }}
              >
                {t('common.next')}
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label={t('orders.stepReview')}>
          <Stack mt="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
              <Field label={t('orders.customer')} value={chosenName ?? '—'} />
              <Field label={t('orders.contactEmail')} value={contactEmail} />
              <Field label={t('orders.term')} value={t('orders.months', { count: order.termMonths })} />
              <Field
                label={t('subscriptions.autoRenew')}
                value={order.autoRenew ? t('common.yes') : t('common.no')}
              />
            </SimpleGrid>
            <Table.ScrollContainer minWidth={420} type="native">
              <Table withTableBorder striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('subscriptions.product')}</Table.Th>
                    <Table.Th>{t('orders.sku')}</Table.Th>
                    <Table.Th style={{ textAlign: 'right' }}>{t('orders.quantity')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {order.lines.map((line) => (
                    <Table.Tr key={`${line.product}:${line.sku}`}>
                      <Table.Td>{t(`products.${line.product}`)}</Table.Td>
                      <Table.Td>{line.sku}</Table.Td>
                      <Table.Td style={{ textAlign: 'right' }}>{format.number(line.quantity)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <MutationError error={setup.error} />
            <Group justify="space-between">
              <Button variant="default" onClick={() => setStep(1)}>
                {t('common.back')}
              </Button>
              <Button
                loading={setup.isPending}
                disabled={!customerStepValid || !contactValid}
                onClick={() => setup.mutate()}
              >
                {t('orders.setUp')}
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
      </Stepper>
    </Stack>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </div>
  );
}
