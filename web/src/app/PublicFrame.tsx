import { Box, Center, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { setLanguage } from './i18n';

/** Frame for pages shown without a session: sign-in and the invitation wizard. */
export function PublicFrame({ children }: { children: ReactNode }) {
  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Group justify="space-between" p="md" wrap="nowrap" component="header">
        <Text fw={700} size="lg">
          Partner Hub
        </Text>
        <LanguageSwitch onChange={setLanguage} />
      </Group>
      <Center px="sm" pb="xl" component="main">
        {children}
      </Center>
    </Box>
  );
}
