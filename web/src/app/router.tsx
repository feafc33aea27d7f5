import {
  Outlet,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { parseCustomerSearch, parseSearchString, stringifySearchObject } from '../lib/urlState';
import { isFullAdmin, isPartnerRole } from '../lib/permissions';
import type { Me } from '../lib/types';
import { meQuery } from './session';
import { AppLayout } from './AppLayout';
import { NotFoundPage, RouteError } from './RouteStates';

export type RouterContext = { queryClient: QueryClient };

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteError,
});

type SignInSearch = { redirect?: string; expired?: boolean };

function safeRedirect(value: unknown): string | undefined {
  // Only same-app paths: an absolute URL here would be an open redirect.
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : undefined;
}

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (raw: Record<string, unknown>): SignInSearch => ({
    redirect: safeRedirect(raw.redirect),
    expired: raw.expired === true || raw.expired === 'true' ? true : undefined,
  }),
  component: lazyRouteComponent(() => import('../features/auth/SignInPage')),
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite/$token',
  component: lazyRouteComponent(() => import('../features/onboarding/OnboardingPage')),
});

const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_authed',
  beforeLoad: async ({ context, location }): Promise<{ me: Me }> => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (!me) throw redirect({ to: '/sign-in', search: { redirect: location.href } });
    return { me };
  },
  component: AppLayout,
});

function requireFullAdmin({ context }: { context: { me: Me } }) {
  if (!isFullAdmin(context.me.user.role)) throw redirect({ to: '/customers' });
}

function requirePartner({ context }: { context: { me: Me } }) {
  if (!isPartnerRole(context.me.user.role)) throw redirect({ to: '/' });
}

const indexRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    const { user } = context.me;
    if (isPartnerRole(user.role)) throw redirect({ to: '/customers' });
    throw redirect({ to: '/console/$customerId', params: { customerId: user.orgId } });
  },
});

const customersRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/customers',
  beforeLoad: requirePartner,
  validateSearch: parseCustomerSearch,
  component: lazyRouteComponent(() => import('../features/customers/CustomersPage')),
});

export const customerTabs = ['subscriptions', 'trials', 'partnerAdmins'] as const;
export type CustomerTab = (typeof customerTabs)[number];

const customerRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/customers/$customerId',
  beforeLoad: requirePartner,
  validateSearch: (raw: Record<string, unknown>): { tab?: CustomerTab } => ({
    tab: customerTabs.find((tab) => tab === raw.tab && tab !== 'subscriptions'),
  }),
  component: lazyRouteComponent(() => import('../features/customer-details/CustomerDetailsPage')),
});

const analyticsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/analytics',
  beforeLoad: requirePartner,
  component: lazyRouteComponent(() => import('../features/analytics/AnalyticsPage')),
});

const usersRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/users',
  beforeLoad: requireFullAdmin,
  component: lazyRouteComponent(() => import('../features/users/UsersPage')),
});

const administratorsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/administrators',
  beforeLoad: requireFullAdmin,
  component: lazyRouteComponent(() => import('../features/administrators/AdministratorsPage')),
});

const tokensRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/tokens',
  beforeLoad: requireFullAdmin,
  component: lazyRouteComponent(() => import('../features/tokens/TokensPage')),
});

const consoleRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/console/$customerId',
  component: lazyRouteComponent(() => import('../features/console/ConsolePage')),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  inviteRoute,
  authedRoute.addChildren([
    indexRoute,
    customersRoute,
    customerRoute,
    analyticsRoute,
    usersRoute,
    administratorsRoute,
    tokensRoute,
    consoleRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    parseSearch: parseSearchString,
    stringifySearch: stringifySearchObject,
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface Register {
    router: AppRouter;
  }
}
