import { Group, Progress, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber, licenseSplit } from '../lib/format';
import { useLanguage } from '../lib/useFormat';

/** Used / assigned / available in one stacked bar; overage shows as a red tail beyond the purchased count. */
export function UsageBar({
  purchased,
  assigned,
  used,
  showLegend = false,
}: {
  purchased: number;
  assigned: number;
  used?: number | null;
  showLegend?: boolean;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const split = licenseSplit({ purchased, assigned, used });
  const part = (value: number) => (split.scale > 0 ? (value / split.scale) * 100 : 0);
  const hasUsed = used !== undefined && used !== null;
  const summary = [
    hasUsed ? `${t('licenses.used')}: ${formatNumber(split.used, language)}` : null,
    `${t('licenses.assigned')}: ${formatNumber(assigned, language)}`,
    `${t('licenses.available')}: ${formatNumber(split.available, language)}`,
    split.overage > 0 ? `${t('licenses.overage')}: ${formatNumber(split.overage, language)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div>
      <Tooltip label={summary} withArrow events={{ hover: true, focus: true, touch: true }}>
        <Progress.Root size="lg" radius="sm" aria-label={summary} tabIndex={0} role="img">
          {hasUsed ? <Progress.Section value={part(split.used)} color="blue.7" /> : null}
          <Progress.Section
            value={part(hasUsed ? split.assignedOnly : split.used + split.assignedOnly)}
            color="blue.3"
          />
          <Progress.Section value={part(split.available)} color="gray.3" />
          {split.overage > 0 ? <Progress.Section value={part(split.overage)} color="red.6" /> : null}
        </Progress.Root>
      </Tooltip>
      {showLegend ? (
        <Text size="xs" c="dimmed" mt={4}>
          {summary}
        </Text>
      ) : null}
    </div>
  );
}

export function UsageLegend() {
  const { t } = useTranslation();
  const items = [
    { color: 'var(--mantine-color-blue-7)', label: t('licenses.used') },
    { color: 'var(--mantine-color-blue-3)', label: t('licenses.assigned') },
    { color: 'var(--mantine-color-gray-3)', label: t('licenses.available') },
    { color: 'var(--mantine-color-red-6)', label: t('licenses.overage') },
  ];
  return (
    <Group gap="md" wrap="wrap" aria-hidden>
      {items.map((item) => (
        <Group key={item.label} gap={4} wrap="nowrap">
          <span
            style={{
              width: 10,
              height: 10,
              borderRadius: 2,
              background: item.color,
              display: 'inline-block',
            }}
          />
          <Text size="xs" c="dimmed">
            {item.label}
          </Text>
        </Group>
      ))}
    </Group>
  );
}
