import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconChartBar,
  IconBuildingStore,
  IconKey,
  IconLogout,
  IconShieldCheck,
  IconUserCircle,
  IconUsers,
  IconLayoutDashboard,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { apiPost, setCsrfToken } from '../lib/api';
import { isFullAdmin, isPartnerRole } from '../lib/permissions';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { setLanguage } from './i18n';
import { meQuery, meQueryKey } from './session';

type NavItem = { to: string; label: string; icon: ReactNode };

export function AppLayout() {
  const { t } = useTranslation();
  const { data: me } = useQuery(meQuery);
  const [opened, { toggle, close }] = useDisclosure();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: () => apiPost<void>('/auth/sign-out'),
    onSettled: async () => {
      setCsrfToken(null);
      await navigate({ to: '/sign-in' });
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, null);
    },
  });

  if (!me) return null;
  const role = me.user.role;
  const items: NavItem[] = isPartnerRole(role)
    ? [
        { to: '/customers', label: t('nav.customers'), icon: <IconBuildingStore size={18} /> },
        { to: '/analytics', label: t('nav.analytics'), icon: <IconChartBar size={18} /> },
        ...(isFullAdmin(role)
          ? [
              { to: '/users', label: t('nav.users'), icon: <IconUsers size={18} /> },
              { to: '/administrators', label: t('nav.administrators'), icon: <IconShieldCheck size={18} /> },
              { to: '/tokens', label: t('nav.tokens'), icon: <IconKey size={18} /> },
            ]
          : []),
      ]
    : [{ to: `/console/${me.user.orgId}`, label: t('nav.console'), icon: <IconLayoutDashboard size={18} /> }];

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'md' }}
    >
      <a href="#main" className="skip-link">
        {t('nav.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? t('nav.close') : t('nav.open')}
            />
            <Text fw={700} size="lg" style={{ whiteSpace: 'nowrap' }}>
              Partner Hub
            </Text>
            {me.partner ? (
              <Text size="sm" c="dimmed" visibleFrom="md" truncate>
                {me.partner.name}
              </Text>
            ) : null}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch onChange={setLanguage} />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Tooltip label={me.user.email}>
                  <ActionIcon
                    variant="subtle"
                    size="lg"
                    aria-label={t('nav.account', { name: me.user.name })}
                  >
                    <IconUserCircle size={22} />
                  </ActionIcon>
                </Tooltip>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {me.user.name}
                  <br />
                  {t(`roles.${role}`)}
                </Menu.Label>
                <Menu.Item
                  leftSection={<IconLogout size={16} />}
                  onClick={() => signOut.mutate()}
                  disabled={signOut.isPending}
                >
                  {t('nav.signOut')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.main')}>
        <VisuallyHidden component="h2">{t('nav.main')}</VisuallyHidden>
        {items.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={item.icon}
            active={pathname === item.to || pathname.startsWith(`${item.to}/`)}
            onClick={close}
          />
        ))}
        <NavLink
          component="button"
          type="button"
          label={t('nav.signOut')}
          leftSection={<IconLogout size={18} />}
          onClick={() => signOut.mutate()}
          mt="auto"
        />
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} style={{ minWidth: 0 }}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
