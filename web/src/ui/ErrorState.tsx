import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api';
import { describeError } from '../lib/errors';

function ErrorText({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const { message, detail } = describeError(error, t, i18n.language);
  return (
    <div>
      <Text size="sm">{message}</Text>
      {detail ? (
        <Text size="xs" c="dimmed" lang="en">
          {detail}
        </Text>
      ) : null}
    </div>
  );
}

export function ErrorState({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  const { t } = useTranslation();
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Alert
      color={notFound ? 'gray' : 'red'}
      icon={<IconAlertTriangle size={18} aria-hidden />}
      title={title ?? (notFound ? t('common.notFound') : t('common.errorTitle'))}
      role="alert"
    >
      <Group justify="space-between" gap="sm" wrap="wrap">
        {notFound ? <Text size="sm">{t('common.notFoundText')}</Text> : <ErrorText error={error} />}
        {onRetry && !notFound ? (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : null}
      </Group>
    </Alert>
  );
}

/** A failed mutation, shown next to the form that caused it. */
export function MutationError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" icon={<IconAlertTriangle size={18} aria-hidden />}>
      <ErrorText error={error} />
    </Alert>
  );
}
