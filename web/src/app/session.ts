import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, apiGet, setCsrfToken } from '../lib/api';
import { isKnownRole } from '../lib/permissions';
import type { Me, Session } from '../lib/types';

export const meQueryKey = ['me'] as const;

/** A session the web app can work with: a person with a role it knows. */
export function toMe(session: Session): Me | null {
  const user = session.user;
  setCsrfToken(session.csrfToken);
  if (!user || !isKnownRole(user.role)) return null;
  return { ...session, user: { ...user, role: user.role } };
}

async function fetchMe(): Promise<Me | null> {
  try {
    return toMe(await apiGet<Session>('/me'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const meQuery = queryOptions({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000 });

/** The signed-in user; only used below the authenticated layout, which guarantees a session. */
export function useMe(): Me {
  const { data } = useQuery(meQuery);
  if (!data) throw new Error('useMe() used outside a signed-in page');
  return data;
}
