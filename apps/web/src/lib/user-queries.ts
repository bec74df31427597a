/**
 * TanStack Query hooks of sign-in with GitHub / OpenID Connect and of users (issue 14 item 1):
 * the offered sign-in methods, the signed-in user (null when this browser has no sign-in
 * session), the user list of admins, and approving a user.
 */
import type { User } from '@flotilla/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isUnauthorized } from './api';

export const userKeys = {
  providers: ['auth-providers'] as const,
  me: ['me'] as const,
  users: ['users'] as const,
};

/** How often a user waiting for approval asks again whether they were let in (ms). */
export const APPROVAL_POLL_MS = 3_000;

export const useAuthProviders = () => useQuery(queryOptions({ queryKey: userKeys.providers, queryFn: api.authProviders, staleTime: Infinity }));

/** The signed-in user; null without a sign-in session (the API token, or nobody). Polls while pending. */
export const useMe = () =>
  useQuery(
    queryOptions({
      queryKey: userKeys.me,
      queryFn: (): Promise<User | null> => api.getMe().catch((error: unknown) => (isUnauthorized(error) ? null : Promise.reject(error))),
      refetchInterval: (query) => (query.state.data?.status === 'pending' ? APPROVAL_POLL_MS : false),
    }),
  );

export const useUsers = (enabled: boolean) => useQuery(queryOptions({ queryKey: userKeys.users, queryFn: api.listUsers, enabled }));

export function useApproveUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: api.approveUser, onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.users }) });
}
