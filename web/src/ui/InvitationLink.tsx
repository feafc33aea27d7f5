import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** There is no mail server: the person who invites hands this link over themselves. */
export function InvitationLink({ email, url }: { email: string; url: string }) {
  const { t } = useTranslation();
  const absolute = new URL(url, window.location.origin).toString();
  return (
    <Alert color="blue" title={t('invitation.title')} role="status">
      <Stack gap="xs">
        <Text size="sm">{t('invitation.text', { email })}</Text>
        <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {absolute}
        </Code>
        <Group>
          <CopyButton value={absolute}>
            {({ copied, copy }) => (
              <Button
                size="xs"
                variant={copied ? 'light' : 'filled'}
                color={copied ? 'teal' : 'blue'}
                leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                onClick={copy}
              >
                {copied ? t('invitation.copied') : t('invitation.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}
