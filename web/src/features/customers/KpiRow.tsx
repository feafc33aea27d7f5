import { Skeleton, SimpleGrid } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../../lib/api';
import type { Kpis } from '../../lib/types';
import { useFormat } from '../../lib/useFormat';
import { listKpis } from '../../lib/urlState';
import type { ListKpi } from '../../lib/urlState';
import { ErrorState } from '../../ui/ErrorState';
import { KpiTile } from '../../ui/KpiTile';

export const kpisQuery = { queryKey: ['kpis'], queryFn: () => apiGet<Kpis>('/kpis') } as const;

export function KpiRow({
  active,
  onSelect,
}: {
  active: ListKpi | undefined;
  onSelect: (kpi: ListKpi | undefined) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const kpis = useQuery(kpisQuery);
  if (kpis.isError) return <ErrorState error={kpis.error} onRetry={() => void kpis.refetch()} />;
  return (
    <SimpleGrid
      cols={{ base: 2, sm: 3, lg: 5 }}
      spacing="sm"
      mb="md"
      component="section"
      aria-label={t('kpi.section')}
    >
      {listKpis.map((key) =>
        kpis.data ? (
          <KpiTile
            key={key}
            label={t(`kpi.label.${key}`)}
            value={format.number(kpis.data[key])}
            formula={t(`kpi.formula.${key}`)}
            active={active === key}
            onClick={() => onSelect(active === key ? undefined : key)}
          />
        ) : (
          <Skeleton key={key} h={92} radius="md" aria-hidden />
        ),
      )}
    </SimpleGrid>
  );
}
