import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  Popover,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { IconFilter, IconInfoCircle, IconSearch, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../../lib/api';
import {
  facetKeys,
  hasFilters,
  managedByValues,
  productList,
  sortFields,
  statusOrder,
  subscriptionTypes,
} from '../../lib/urlState';
import type { CustomerSearch, CustomerSort, FacetKey } from '../../lib/urlState';
import { StatusBadge, useStatusRule } from '../../ui/StatusBadge';

export function CustomerFilters({
  search,
  onFacet,
  onQuery,
  onSort,
  onClear,
}: {
  search: CustomerSearch;
  onFacet: (facet: FacetKey, values: string[]) => void;
  onQuery: (q: string) => void;
  onSort: (sort: CustomerSort) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const active = search;
  const tags = useQuery({
    queryKey: ['tags'],
    queryFn: () => apiGet<{ items: string[] }>('/tags'),
    staleTime: 5 * 60_000,
  });
  const [text, setText] = useState(search.q ?? '');
  // On a phone the five facets would push the list below the fold; they fold away behind one button.
  const isPhone = useMediaQuery('(max-width: 36em)') ?? false;
  const [facetsOpen, setFacetsOpen] = useState(false);
  const activeFacets = facetKeys.reduce((sum, key) => sum + (search[key]?.length ?? 0), 0);
  const commitQuery = useDebouncedCallback((value: string) => onQuery(value), 300);

  // Back/forward or a shared link changes q under us; mirror it unless the box already says the same.
  useEffect(() => {
    setText((current) => (current.trim() === (search.q ?? '') ? current : (search.q ?? '')));
  }, [search.q]);

  const tagOptions = [...new Set([...(tags.data?.items ?? []), ...(active.tag ?? [])])].sort();
  const sortOptions = sortFields.flatMap((field) => [
    { value: field, label: `${t(`customers.sort.${field}`)} ↑` },
    { value: `-${field}`, label: `${t(`customers.sort.${field}`)} ↓` },
  ]);

  return (
    <Stack gap="sm" mb="sm" component="section" aria-label={t('customers.filters')}>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          style={{ flex: '1 1 260px' }}
          label={t('customers.search')}
          placeholder={t('customers.searchPlaceholder')}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={text}
          onChange={(event) => {
            setText(event.currentTarget.value);
            commitQuery(event.currentTarget.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onQuery(text);
          }}
          rightSection={
            text ? (
              <ActionIcon
                variant="subtle"
                size="sm"
                aria-label={t('customers.clearSearch')}
                onClick={() => {
                  setText('');
                  onQuery('');
                }}
              >
                <IconX size={14} />
              </ActionIcon>
            ) : null
          }
        />
        <Select
          style={{ flex: '0 1 220px' }}
          label={t('customers.sortLabel')}
          data={sortOptions}
          value={active.sort ?? 'name'}
          allowDeselect={false}
          onChange={(value) => {
            if (value) onSort(value as CustomerSort);
          }}
        />
      </Group>
      {isPhone ? (
        <Button
          variant="default"
          size="xs"
          leftSection={<IconFilter size={14} />}
          onClick={() => setFacetsOpen((open) => !open)}
          aria-expanded={facetsOpen}
          aria-controls="customer-facets"
          style={{ alignSelf: 'flex-start' }}
        >
          {t('filters.toggle', { count: activeFacets })}
        </Button>
      ) : null}
      <SimpleGrid
        id="customer-facets"
        cols={{ base: 1, xs: 2, md: 3, xl: 5 }}
        spacing="sm"
        display={isPhone && !facetsOpen ? 'none' : undefined}
      >
        <MultiSelect
          label={t('filters.managedBy')}
          placeholder={active.managedBy ? undefined : t('filters.any')}
          data={managedByValues.map((value) => ({ value, label: t(`filters.managedByValue.${value}`) }))}
          value={active.managedBy ?? []}
          onChange={(values) => onFacet('managedBy', values)}
          clearable
          clearButtonProps={{ 'aria-label': t('filters.clearFacet', { facet: t('filters.managedBy') }) }}
        />
        <MultiSelect
          label={t('filters.product')}
          placeholder={active.product ? undefined : t('filters.any')}
          data={productList.map((value) => ({ value, label: t(`products.${value}`) }))}
          value={active.product ?? []}
          onChange={(values) => onFacet('product', values)}
          clearable
          clearButtonProps={{ 'aria-label': t('filters.clearFacet', { facet: t('filters.product') }) }}
        />
        <MultiSelect
          label={t('filters.status')}
          placeholder={active.status ? undefined : t('filters.any')}
          data={statusOrder.map((value) => ({ value, label: t(`status.label.${value}`) }))}
          value={active.status ?? []}
          onChange={(values) => onFacet('status', values)}
          clearable
          clearButtonProps={{ 'aria-label': t('filters.clearFacet', { facet: t('filters.status') }) }}
        />
        <MultiSelect
          label={t('filters.type')}
          placeholder={active.type ? undefined : t('filters.any')}
          data={subscriptionTypes.map((value) => ({ value, label: t(`filters.typeValue.${value}`) }))}
          value={active.type ?? []}
          onChange={(values) => onFacet('type', values)}
          clearable
          clearButtonProps={{ 'aria-label': t('filters.clearFacet', { facet: t('filters.type') }) }}
        />
        <MultiSelect
          label={t('filters.tags')}
          placeholder={active.tag ? undefined : tagOptions.length ? t('filters.any') : t('filters.noTags')}
          data={tagOptions}
          value={active.tag ?? []}
          onChange={(values) => onFacet('tag', values)}
          searchable
          clearable
          disabled={tagOptions.length === 0}
          clearButtonProps={{ 'aria-label': t('filters.clearFacet', { facet: t('filters.tags') }) }}
        />
      </SimpleGrid>
      <Group gap="xs">
        <StatusLegend />
        {hasFilters(search) ? (
          <Button variant="subtle" size="xs" leftSection={<IconX size={14} />} onClick={onClear}>
            {t('filters.clearAll')}
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}

/** Status rules for keyboard and touch users, who cannot hover each badge. */
function StatusLegend() {
  const { t } = useTranslation();
  const rule = useStatusRule();
  return (
    // Focus moves into the legend, so Escape closes it and returns to the button (keyboard users).
    <Popover width={340} position="bottom-start" withArrow shadow="md" trapFocus returnFocus>
      <Popover.Target>
        <Button variant="subtle" size="xs" leftSection={<IconInfoCircle size={14} />}>
          {t('status.legend')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Text fw={600} size="sm">
            {t('status.legend')}
          </Text>
          {statusOrder.map((status) => (
            <div key={status}>
              <StatusBadge status={status} />
              <Text size="xs" c="dimmed" mt={2}>
                {rule(status)}
              </Text>
            </div>
          ))}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
