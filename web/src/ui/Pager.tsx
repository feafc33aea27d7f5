import { Group, Pagination, Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../lib/format';
import { useLanguage } from '../lib/useFormat';
import { pageCount, pageRange } from '../lib/urlState';

export function Pager({
  page,
  pageSize,
  total,
  pageSizes,
  onChange,
}: {
  page: number;
  pageSize: number;
  total: number;
  pageSizes: readonly number[];
  onChange: (page: number, pageSize: number) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { from, to } = pageRange(page, pageSize, total);
  const pages = pageCount(total, pageSize);
  return (
    <Group justify="space-between" gap="sm" mt="sm" wrap="wrap">
      <Text size="sm" c="dimmed" aria-live="polite">
        {t('paging.range', {
          from: formatNumber(from, language),
          to: formatNumber(to, language),
          total: formatNumber(total, language),
        })}
      </Text>
      <Group gap="sm" wrap="wrap">
        <Select
          size="xs"
          w={110}
          aria-label={t('paging.pageSize')}
          data={pageSizes.map((size) => ({
            value: String(size),
            label: t('paging.perPage', { count: size }),
          }))}
          value={String(pageSize)}
          allowDeselect={false}
          onChange={(value) => {
            if (value) onChange(1, Number(value));
          }}
        />
        {pages > 1 ? (
          <Pagination
            size="sm"
            total={pages}
            value={Math.min(page, pages)}
            onChange={(next) => onChange(next, pageSize)}
            siblings={0}
            boundaries={1}
            getControlProps={(control) => ({
              'aria-label':
                control === 'previous'
                  ? t('paging.previous')
                  : control === 'next'
                    ? t('paging.next')
                    : control,
            })}
            getItemProps={(item) => ({ 'aria-label': t('paging.page', { page: item }) })}
          />
        ) : null}
      </Group>
    </Group>
  );
}
