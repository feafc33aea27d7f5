import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { apiPost } from '../../lib/api';

type LaunchAnswer = { url: string; access: 'full' | 'read-only' };

/** Launch is a POST so the server can audit it before the console opens. */
export function useLaunch() {
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (customerId: string) =>
      apiPost<LaunchAnswer>(`/customers/${encodeURIComponent(customerId)}/launch`),
    onSuccess: async (answer, customerId) => {
      const url = answer.url.startsWith('/') ? answer.url : `/console/${customerId}`;
      await navigate({ href: url });
    },
  });
}
