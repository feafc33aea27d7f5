import { Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Placeholder until the analytics page lands (owned by another engineer). */
export default function AnalyticsPage() {
  const { t } = useTranslation();
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('nav.analytics')}
      </Title>
      <Text c="dimmed">{t('common.comingSoon')}</Text>
    </>
  );
}
