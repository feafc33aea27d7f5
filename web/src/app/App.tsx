import { MantineProvider, createTheme } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, onUnauthorized, setCsrfToken } from '../lib/api';
import { createAppRouter } from './router';
import { meQueryKey } from './session';

function appTheme(closeLabel: string) {
  return createTheme({
    primaryColor: 'blue',
    defaultRadius: 'md',
    fontFamily:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif',
    components: {
      // Sentence case keeps long Swedish labels readable and matches the glossary's spelling.
      Badge: { defaultProps: { tt: 'none' } },
      // Mantine's icon-only close buttons have no accessible name of their own.
      Modal: { defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } },
      Drawer: { defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } },
      Alert: { defaultProps: { closeButtonLabel: closeLabel } },
    },
  });
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx answer will not change by asking again.
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
    },
  },
});

const router = createAppRouter(queryClient);

let redirecting = false;
onUnauthorized(() => {
  const location = router.state.location;
  if (redirecting || location.pathname === '/sign-in' || location.pathname.startsWith('/invite/')) return;
  redirecting = true;
  setCsrfToken(null);
  void router.navigate({ to: '/sign-in', search: { redirect: location.href, expired: true } }).finally(() => {
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
    queryClient.setQueryData(meQueryKey, null);
    redirecting = false;
  });
});

export function App() {
  const { t } = useTranslation();
  const closeLabel = t('common.close');
  const theme = useMemo(() => appTheme(closeLabel), [closeLabel]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
