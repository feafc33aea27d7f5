import '@mantine/dates/styles.css';
import { Group, Paper, SegmentedControl, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { IconCalendar } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Suspense, lazy, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../../lib/api';
import { todayIso } from '../../lib/format';
import type { Kpis } from '../../lib/types';
import { useFormat } from '../../lib/useFormat';
import { listKpis } from '../../lib/urlState';
import { ErrorState } from '../../ui/ErrorState';
import { KpiTile } from '../../ui/KpiTile';
import { PageHeader } from '../../ui/PageHeader';
import { useAnalyticsText } from './locales';
import { SectionPanel } from './SectionPanel';
import type { AnalyticsOverview, AnalyticsProduct, AnalyticsSection } from './types';

// ECharts is the heaviest part of the page: it loads after the figures, in its own chunk.
const TrendChart = lazy(() => import('./TrendChart'));

const sections: readonly AnalyticsSection[] = [
  'recentlyAdded',
  'expiring',
  'renewing',
  'lowAssignment',
  'overage',
];
const products: readonly AnalyticsProduct[] = ['meetings', 'calling'];

/** SPEC §9 at the top: the customer KPIs, each leading to the customers behind it. */
function CustomerKpis({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const text = useAnalyticsText();
  const format = useFormat();
  const navigate = useNavigate();
  const kpis = useQuery({
    queryKey: ['kpis', asOf],
    queryFn: () => apiGet<Kpis>('/kpis', { asOf }),
    placeholderData: keepPreviousData,
  });
  if (kpis.isError) return <ErrorState error={kpis.error} onRetry={() => void kpis.refetch()} />;
  return (
    <SimpleGrid
      cols={{ base: 2, sm: 3, lg: 5 }}
      spacing="sm"
      component="section"
      aria-label={text('keyFigures')}
    >
      {listKpis.map((key) =>
        kpis.data ? (
          <KpiTile
            key={key}
            label={t(`kpi.label.${key}`)}
            value={format.number(kpis.data[key])}
            formula={t(`kpi.formula.${key}`)}
            active={false}
            onClick={() => void navigate({ to: '/customers', search: { kpi: key } })}
          />
        ) : (
          <Skeleton key={key} h={92} radius="md" aria-hidden />
        ),
      )}
    </SimpleGrid>
  );
}

export default function AnalyticsPage() {
  const text = useAnalyticsText();
  const [product, setProduct] = useState<AnalyticsProduct>('meetings');
  const [asOf, setAsOf] = useState(todayIso());
  const overview = useQuery({
    queryKey: ['analytics', product, asOf],
    queryFn: ({ signal }) => apiGet<AnalyticsOverview>('/analytics', { product, asOf }, signal),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title={text('title')}
        description={text('description')}
        actions={
          <DatePickerInput
            label={text('asOf')}
            description={text('asOfHint')}
            value={asOf}
            onChange={(value) => setAsOf(value ?? todayIso())}
            valueFormat="YYYY-MM-DD"
            leftSection={<IconCalendar size={16} aria-hidden />}
            w={200}
            size="sm"
          />
        }
      />
      <Stack gap="lg">
        <CustomerKpis asOf={asOf} />
        <SegmentedControl
          aria-label={text('product')}
          value={product}
          onChange={(value) => setProduct(value === 'calling' ? 'calling' : 'meetings')}
          data={products.map((value) => ({ value, label: text(value) }))}
          fullWidth
          maw={360}
        />
        {overview.isError ? (
          <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
        ) : (
          <>
            <Paper
              withBorder
              radius="md"
              p={{ base: 'sm', sm: 'md' }}
              component="section"
              aria-labelledby="trend-title"
            >
              <Group justify="space-between" align="baseline" mb="xs" wrap="wrap">
                <Title order={2} size="h4" id="trend-title">
                  {text('trend.title')}
                </Title>
                <Text size="xs" c="dimmed">
                  {text('trend.description')}
                </Text>
              </Group>
              {overview.data ? (
                <Suspense fallback={<Skeleton h={300} radius="md" />}>
                  <TrendChart points={overview.data.trend} />
                </Suspense>
              ) : (
                <Skeleton h={300} radius="md" />
              )}
            </Paper>
            {sections.map((section) =>
              overview.data ? (
                <SectionPanel
                  key={`${section}-${product}-${asOf}`}
                  section={section}
                  answer={overview.data[section]}
                  product={product}
                  asOf={asOf}
                />
              ) : (
                <Skeleton key={section} h={320} radius="md" />
              ),
            )}
          </>
        )}
      </Stack>
    </>
  );
}
