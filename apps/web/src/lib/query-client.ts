/**
 * The app's TanStack Query client. Any query or mutation the API answers with 401 (the session
 * cookie expired or was cleared) refetches the sign-in state, so the sign-in gate shows the
 * sign-in page again; a 401 is not retried.
 */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isUnauthorized } from './api';
import { keys } from './queries';

export function createQueryClient(): QueryClient {
  const recheckSession = (error: unknown) => {
    if (isUnauthorized(error)) void queryClient.invalidateQueries({ queryKey: keys.apiSession });
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: recheckSession }),
    mutationCache: new MutationCache({ onError: recheckSession }),
    defaultOptions: {
      queries: { retry: (failures, error) => failures < 1 && !isUnauthorized(error), refetchOnWindowFocus: false },
    },
  });
  return queryClient;
}
