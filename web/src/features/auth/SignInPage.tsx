import { Alert, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiPost } from '../../lib/api';
import type { Session } from '../../lib/types';
import { PublicFrame } from '../../app/PublicFrame';
import { meQueryKey, toMe } from '../../app/session';

export default function SignInPage() {
  const { t } = useTranslation();
  const search = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);

  const signIn = useMutation({
    mutationFn: (body: { email: string; password: string }) => apiPost<Session>('/auth/sign-in', body),
    onSuccess: async (session) => {
      queryClient.setQueryData(meQueryKey, toMe(session));
      await navigate({ href: search.redirect ?? '/', replace: true });
    },
  });

  const emailError = touched && !email.trim() ? t('validation.required') : undefined;
  const passwordError = touched && !password ? t('validation.required') : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!email.trim() || !password) return;
    signIn.mutate({ email: email.trim(), password });
  }

  const error = signIn.error;
  const errorText =
    error instanceof ApiError && error.status === 429
      ? t('auth.tooManyAttempts')
      : error instanceof ApiError && (error.status === 401 || error.status === 400 || error.status === 422)
        ? t('auth.invalidCredentials')
        : error
          ? t('auth.signInFailed')
          : null;

  return (
    <PublicFrame>
      <Paper withBorder shadow="sm" p="lg" radius="md" w="100%" maw={400} mt="xl">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">
              {t('auth.signInTitle')}
            </Title>
            {search.expired ? (
              <Alert color="yellow" icon={<IconInfoCircle size={18} aria-hidden />} role="status">
                {t('auth.sessionExpired')}
              </Alert>
            ) : null}
            {errorText ? (
              <Alert color="red" role="alert">
                {errorText}
              </Alert>
            ) : null}
            <TextInput
              label={t('auth.email')}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={emailError}
              autoFocus
            />
            <PasswordInput
              visibilityToggleButtonProps={{ 'aria-label': t('auth.togglePassword') }}
              label={t('auth.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={passwordError}
            />
            <Button type="submit" loading={signIn.isPending} fullWidth>
              {t('auth.signIn')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('auth.inviteHint')}
            </Text>
          </Stack>
        </form>
      </Paper>
    </PublicFrame>
  );
}
