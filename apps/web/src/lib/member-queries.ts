/**
 * TanStack Query hooks of a project's members and invites (issue 14, item 2; contracts
 * members.ts): the list, and the changes the Members section makes — each refreshes the list, the
 * project (the caller's own role may change: a transfer makes the old owner an admin), the project
 * list (its role badges) and the audit log (which records every change).
 */
import type { AssignableRole, InviteMemberRequest } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { auditKey } from '../components/audit/AuditLog';
import { api } from './api';
import { keys } from './queries';

/** Query key of a project's members and open invites. */
export const membersKey = (projectId: string) => ['members', projectId] as const;

/** A project's members (owner first) and open invites (`GET …/members`). */
export const useMembers = (projectId: string) => useQuery({ queryKey: membersKey(projectId), queryFn: () => api.listMembers(projectId) });

/** Refresh what a membership change touches. */
function useRefresh(projectId: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: membersKey(projectId) }),
      queryClient.invalidateQueries({ queryKey: keys.project(projectId) }),
      queryClient.invalidateQueries({ queryKey: keys.projects }),
      queryClient.invalidateQueries({ queryKey: auditKey(projectId) }),
    ]).then(() => undefined);
}

/** Invite by GitHub login or email: the answer holds the new member, or the invite waiting for them. */
export function useInviteMember(projectId: string) {
  const refresh = useRefresh(projectId);
  return useMutation({ mutationFn: (request: InviteMemberRequest) => api.inviteMember(projectId, request), onSuccess: refresh });
}

/** Change a member's role. */
export function useUpdateMember(projectId: string) {
  const refresh = useRefresh(projectId);
  return useMutation({ mutationFn: ({ userId, role }: { userId: string; role: AssignableRole }) => api.updateMember(projectId, userId, { role }), onSuccess: refresh });
}

/** Remove a member (their access ends at once). */
export function useRemoveMember(projectId: string) {
  const refresh = useRefresh(projectId);
  return useMutation({ mutationFn: (userId: string) => api.removeMember(projectId, userId), onSuccess: refresh });
}

/** Withdraw an open invite. */
export function useCancelInvite(projectId: string) {
  const refresh = useRefresh(projectId);
  return useMutation({ mutationFn: (inviteId: string) => api.cancelInvite(projectId, inviteId), onSuccess: refresh });
}

/** Make another member the owner (the caller, the owner, becomes an admin). */
export function useTransferOwnership(projectId: string) {
  const refresh = useRefresh(projectId);
  return useMutation({ mutationFn: (userId: string) => api.transferOwnership(projectId, userId), onSuccess: refresh });
}
