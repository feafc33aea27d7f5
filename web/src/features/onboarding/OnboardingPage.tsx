import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
  Paper,
  PasswordInput,
  ScrollArea,
  Select,
  Stack,
  Stepper,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiGet, apiPost } from '../../lib/api';
import { useServerFieldMessages } from '../../lib/errors';
import { countryOptions } from '../../lib/format';
import { isProduct } from '../../lib/products';
import type { Invitation, Session } from '../../lib/types';
import { useFormat, useIssueText } from '../../lib/useFormat';
import { hasIssues, minPasswordLength, validateAccount } from '../../lib/validation';
import type { AccountForm } from '../../lib/validation';
import { ErrorState, MutationError } from '../../ui/ErrorState';
import { LoadingState } from '../../ui/LoadingState';
import { PublicFrame } from '../../app/PublicFrame';
import { meQueryKey, toMe } from '../../app/session';

export default function OnboardingPage() {
  const { t } = useTranslation();
  const { token } = useParams({ from: '/invite/$token' });
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => apiGet<Invitation>(`/invitations/${encodeURIComponent(token)}`),
  });

  return (
    <PublicFrame>
      <Paper withBorder shadow="sm" p={{ base: 'md', sm: 'lg' }} radius="md" w="100%" maw={720} mt="md">
        <Title order={1} size="h2" mb="md">
          {invitation.data?.kind === 'customer_admin' ? t('onboarding.joinTitle') : t('onboarding.title')}
        </Title>
        {invitation.isPending ? <LoadingState /> : null}
        {invitation.isError ? (
          invitation.error instanceof ApiError && [404, 409, 410].includes(invitation.error.status) ? (
            <Alert color="red" role="alert">
              {t('onboarding.invalidInvitation')}
            </Alert>
          ) : (
            <ErrorState error={invitation.error} onRetry={() => void invitation.refetch()} />
          )
        ) : null}
        {invitation.data ? <Wizard token={token} invitation={invitation.data} /> : null}
      </Paper>
    </PublicFrame>
  );
}

function Wizard({ token, invitation }: { token: string; invitation: Invitation }) {
  const { t } = useTranslation();
  const format = useFormat();
  const issueText = useIssueText();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isPartner = invitation.kind === 'partner';
  const [step, setStep] = useState(0);
  const [form, setForm] = useState<AccountForm>({
    name: '',
    password: '',
    organizationName: '',
    country: null,
    acceptTerms: false,
  });
  const [submitted, setSubmitted] = useState(false);
  const [termsTouched, setTermsTouched] = useState(false);
  const countries = useMemo(() => countryOptions(format.language), [format.language]);
  const issues = validateAccount(form, isPartner);

  const accept = useMutation({
    mutationFn: () =>
      apiPost<Session>(`/invitations/${encodeURIComponent(token)}/accept`, {
        name: form.name.trim(),
        password: form.password,
        ...(isPartner ? { organizationName: form.organizationName.trim(), country: form.country } : {}),
        acceptTerms: true,
      }),
    onSuccess: async (session) => {
      queryClient.setQueryData(meQueryKey, toMe(session));
      await navigate({ to: '/', replace: true });
    },
  });
  const server = useServerFieldMessages(accept.error);
  const show = (field: keyof AccountForm) =>
    submitted ? issueText(issues[field], server[field]) : server[field];

  function finish(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (hasIssues(issues)) return;
    accept.mutate();
  }

  const planStep = isPartner ? 0 : -1;
  const termsStep = isPartner ? 1 : 0;
  const accountStep = isPartner ? 2 : 1;

  return (
    <Stepper
      active={step}
      onStepClick={(next) => next < step && setStep(next)}
      size="sm"
      allowNextStepsSelect={false}
    >
      {isPartner ? (
        <Stepper.Step label={t('onboarding.planStep')}>
          <Stack mt="md">
            <Text>{t('onboarding.planIntro', { email: invitation.email })}</Text>
            <Paper withBorder p="md" radius="md">
              <Text fw={600}>{invitation.plan?.name ?? t('onboarding.defaultPlan')}</Text>
              {invitation.plan && invitation.plan.products.length > 0 ? (
                <Group gap="xs" mt="xs">
                  {invitation.plan.products.map((product) => (
                    <Badge key={product} variant="light">
                      {isProduct(product) ? t(`products.${product}`) : product}
                    </Badge>
                  ))}
                </Group>
              ) : null}
            </Paper>
            <Text size="sm" c="dimmed">
              {t('onboarding.planAfter')}
            </Text>
            <Group justify="flex-end">
              <Button onClick={() => setStep(termsStep)}>{t('common.next')}</Button>
            </Group>
          </Stack>
        </Stepper.Step>
      ) : null}
      <Stepper.Step label={t('onboarding.termsStep')}>
        <Stack mt="md">
          <Title order={2} size="h4">
            {t('onboarding.termsTitle')}
          </Title>
          <ScrollArea.Autosize mah={220} type="auto" offsetScrollbars>
            <Stack gap="xs" pr="sm" tabIndex={0} aria-label={t('onboarding.termsTitle')}>
              <Text size="sm">{t('onboarding.terms1')}</Text>
              <List size="sm" spacing={4}>
                <List.Item>{t('onboarding.terms2')}</List.Item>
                <List.Item>{t('onboarding.terms3')}</List.Item>
                <List.Item>{t('onboarding.terms4')}</List.Item>
              </List>
              <Text size="xs" c="dimmed">
                {t('onboarding.termsVersion', { version: invitation.termsVersion })}
              </Text>
            </Stack>
          </ScrollArea.Autosize>
          <Checkbox
            label={t('onboarding.acceptTerms')}
            checked={form.acceptTerms}
            onChange={(event) => setForm({ ...form, acceptTerms: event.currentTarget.checked })}
            error={termsTouched && !form.acceptTerms ? t('validation.acceptTerms') : undefined}
          />
          <Group justify="space-between">
            {planStep >= 0 ? (
              <Button variant="default" onClick={() => setStep(planStep)}>
                {t('common.back')}
              </Button>
            ) : (
              <span />
            )}
            <Button
              onClick={() => {
                setTermsTouched(true);
                if (form.acceptTerms) setStep(accountStep);
              }}
            >
              {t('common.next')}
            </Button>
          </Group>
        </Stack>
      </Stepper.Step>
      <Stepper.Step label={isPartner ? t('onboarding.organizationStep') : t('onboarding.accountStep')}>
        <form onSubmit={finish} noValidate>
          <Stack mt="md">
            <TextInput label={t('auth.email')} value={invitation.email} readOnly />
            <TextInput
              label={t('onboarding.yourName')}
              required
              autoComplete="name"
              value={form.name}
              onChange={(event) => setForm({ ...form, name: event.currentTarget.value })}
              error={show('name')}
            />
            <PasswordInput
              visibilityToggleButtonProps={{ 'aria-label': t('auth.togglePassword') }}
              label={t('auth.password')}
              description={t('onboarding.passwordHint', { min: minPasswordLength })}
              required
              autoComplete="new-password"
              value={form.password}
              onChange={(event) => setForm({ ...form, password: event.currentTarget.value })}
              error={show('password')}
            />
            {isPartner ? (
              <>
                <TextInput
                  label={t('onboarding.organizationName')}
                  required
                  autoComplete="organization"
                  value={form.organizationName}
                  onChange={(event) => setForm({ ...form, organizationName: event.currentTarget.value })}
                  error={show('organizationName')}
                />
                <Select
                  label={t('common.country')}
                  required
                  searchable
                  data={countries}
                  value={form.country}
                  onChange={(value) => setForm({ ...form, country: value })}
                  error={show('country')}
                  comboboxProps={{ withinPortal: true }}
                />
              </>
            ) : null}
            <MutationError error={accept.error} />
            <Group justify="space-between">
              <Button variant="default" onClick={() => setStep(termsStep)}>
                {t('common.back')}
              </Button>
              <Button type="submit" loading={accept.isPending}>
                {t('onboarding.getStarted')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stepper.Step>
    </Stepper>
  );
}
