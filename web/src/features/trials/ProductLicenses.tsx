import { Checkbox, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Product } from '../../lib/types';
import { productList } from '../../lib/urlState';
import { licenseLimits } from '../../lib/validation';

export type ProductChoice = Partial<Record<Product, number | string>>;

/** One row per product: tick it to include it, then give the license count (1–1000). */
export function ProductLicenses({
  value,
  onChange,
  errors,
  groupError,
}: {
  value: ProductChoice;
  onChange: (value: ProductChoice) => void;
  errors: Partial<Record<Product, string>>;
  groupError?: string;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={6} role="group" aria-labelledby="trial-products-label">
      <Text id="trial-products-label" size="sm" fw={500}>
        {t('trials.productsAndLicenses')}{' '}
        <Text span c="red" aria-hidden>
          *
        </Text>
      </Text>
      {productList.map((product) => {
        const checked = value[product] !== undefined;
        const name = t(`products.${product}`);
        return (
          <Group key={product} gap="sm" wrap="nowrap" align="flex-start" mih={36}>
            <Checkbox
              mt={8}
              style={{ flex: '1 1 auto' }}
              label={name}
              checked={checked}
              onChange={(event) => {
                const next = { ...value };
                if (event.currentTarget.checked) next[product] = value[product] ?? 10;
                else delete next[product];
                onChange(next);
              }}
            />
            {checked ? (
              <NumberInput
                w={130}
                aria-label={t('trials.licensesFor', { product: name })}
                min={licenseLimits.min}
                max={licenseLimits.max}
                clampBehavior="none"
                allowDecimal={false}
                allowNegative={false}
                value={value[product]}
                onChange={(licenses) => onChange({ ...value, [product]: licenses })}
                error={errors[product]}
              />
            ) : null}
          </Group>
        );
      })}
      {groupError ? (
        <Text size="xs" c="red" role="alert">
          {groupError}
        </Text>
      ) : null}
    </Stack>
  );
}
