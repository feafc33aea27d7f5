import { Badge, Group, Tooltip } from '@mantine/core';
import type { MantineColor } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { meQuery } from '../app/session';
import type { CustomerStatus, Me } from '../lib/types';
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

/** The server's defaults, until GET /me has answered with this installation's thresholds. */
const defaultSettings: Me['settings'] = { suspendAfterDays: 30, expiringSoonDays: 30, noActivityDays: 30 };

/** The days a status rule depends on (SPEC §4.1), as configured on the server. */
export function statusRuleDays(
  status: CustomerStatus,
  settings: Me['settings'] | undefined,
): number | undefined {
  const active = settings ?? defaultSettings;
  if (status === 'suspended') return active.suspendAfterDays;
  if (status === 'expiring_soon') return active.expiringSoonDays;
  if (status === 'no_recent_activity') return active.noActivityDays;
  return undefined;
}

/** The rule behind a status in words, with the server's thresholds. */
export function useStatusRule(): (status: CustomerStatus) => string {
  const { t } = useTranslation();
  const { data: me } = useQuery(meQuery);
  const settings = me?.settings;
  return useCallback(
    (status: CustomerStatus) => t(`status.rule.${status}`, { days: statusRuleDays(status, settings) }),
    [t, settings],
  );
}

export function StatusBadge({ status }: { status: CustomerStatus }) {
  const { t } = useTranslation();
  const rule = useStatusRule();
  return (
    <Tooltip
      label={rule(status)}
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
