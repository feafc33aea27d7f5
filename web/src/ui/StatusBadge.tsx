import { Badge, Group, Tooltip } from '@mantine/core';
import type { MantineColor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CustomerStatus } from '../lib/types';
import { statusOrder } from '../lib/urlState';

// Red = act now, orange/yellow = attention soon, violet = partner to-do, grey = quiet, blue/green = healthy.
export const statusColors: Record<CustomerStatus, MantineColor> = {
  suspended: 'red',
  license_overage: 'orange',
  expiring_soon: 'yellow',
  ready_for_order_setup: 'violet',
  no_recent_activity: 'gray',
  trial: 'blue',
  subscription: 'teal',
  expired: 'dark',
};

export function sortStatuses(statuses: readonly CustomerStatus[]): CustomerStatus[] {
  return [...new Set(statuses)].sort((a, b) => statusOrder.indexOf(a) - statusOrder.indexOf(b));
}

export function StatusBadge({ status }: { status: CustomerStatus }) {
  const { t } = useTranslation();
  return (
    <Tooltip
      label={t(`status.rule.${status}`)}
      multiline
      w={260}
      withArrow
      events={{ hover: true, focus: true, touch: true }}
    >
      <Badge
        color={statusColors[status]}
        variant="light"
        radius="sm"
        tt="none"
        style={{ cursor: 'help' }}
        // Long Swedish labels wrap instead of being cut off with an ellipsis.
        styles={{
          root: { height: 'auto', maxWidth: '100%', paddingBlock: 2 },
          label: { whiteSpace: 'normal', overflow: 'visible' },
        }}
      >
        {t(`status.label.${status}`)}
      </Badge>
    </Tooltip>
  );
}

export function StatusBadges({ statuses }: { statuses: readonly CustomerStatus[] }) {
  return (
    <Group gap={4} wrap="wrap">
      {sortStatuses(statuses).map((status) => (
        <StatusBadge key={status} status={status} />
      ))}
    </Group>
  );
}
