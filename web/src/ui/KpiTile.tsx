import { Paper, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';

/** A KPI number that drills down to the customers behind it; the tooltip states its formula. */
export function KpiTile({
  label,
  value,
  formula,
  active,
  onClick,
}: {
  label: string;
  value: ReactNode;
  formula: string;
  active: boolean;
  onClick: () => void;
}) {
  return (
    <Tooltip label={formula} multiline w={300} withArrow events={{ hover: true, focus: true, touch: false }}>
      <UnstyledButton onClick={onClick} aria-pressed={active} h="100%" w="100%" style={{ display: 'block' }}>
        <Paper
          withBorder
          p="sm"
          radius="md"
          h="100%"
          style={{
            borderColor: active ? 'var(--mantine-color-blue-filled)' : undefined,
            boxShadow: active ? '0 0 0 1px var(--mantine-color-blue-filled)' : undefined,
          }}
        >
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" lh={1.3}>
            {label}
          </Text>
          <Text fz={28} fw={700} lh={1.2} mt={4}>
            {value}
          </Text>
        </Paper>
      </UnstyledButton>
    </Tooltip>
  );
}
