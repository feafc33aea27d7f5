import { Button, Container, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ErrorComponentProps } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../ui/ErrorState';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Container size="sm" py="xl">
      <Stack align="flex-start">
        <Title order={1} size="h2">
          {t('common.notFound')}
        </Title>
        <Text c="dimmed">{t('common.notFoundText')}</Text>
        <Button component={Link} to="/">
          {t('common.goHome')}
        </Button>
      </Stack>
    </Container>
  );
}

export function RouteError({ error, reset }: ErrorComponentProps) {
  return (
    <Container size="md" py="xl">
      <ErrorState error={error} onRetry={reset} />
    </Container>
  );
}
