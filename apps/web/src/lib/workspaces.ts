/**
 * Workspaces within reach (issue 17): the project's workspaces that are not destroyed
 * (`GET /api/projects/:projectId/workspaces`, polled), deleting one, and how long a kept one
 * stays ("kept until 14:05 tomorrow", kept-until.ts).
 */
import type { Task, WorkspaceSummary } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api';
import { isInFlight, keys } from './queries';

export { keptUntilText } from './kept-until';

/** How often the project's workspace list is fetched again (ms). */
const WORKSPACES_POLL_MS = 5_000;

/** Query key of a project's workspace list. */
export const workspacesKey = (projectId: string) => ['workspaces', projectId] as const;

/** The project's workspaces that are not destroyed (tasks' and made by hand), newest first. */
export function useProjectWorkspaces(projectId: string) {
  return useQuery({ queryKey: workspacesKey(projectId), queryFn: () => api.listWorkspaces(projectId), refetchInterval: WORKSPACES_POLL_MS, retry: false });
}

/** Delete a workspace (made by hand, or a task's kept one); refreshes the lists that show it. */
export function useDeleteWorkspace(workspace: Pick<WorkspaceSummary, 'workspaceId'> & { projectId: string }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.deleteWorkspace(workspace.projectId, workspace.workspaceId),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: workspacesKey(workspace.projectId) }),
        queryClient.invalidateQueries({ queryKey: keys.workspace(workspace.projectId, workspace.workspaceId) }),
        queryClient.invalidateQueries({ queryKey: keys.nodes }),
      ]),
  });
}

/**
 * What the user knows a workspace by: its entry in the project's list (task title, branch,
 * expiry) — undefined while loading, null when the project has no such live workspace (a
 * destroyed one, or an unknown id).
 */
export function useWorkspaceSummary(projectId: string, workspaceId: string): WorkspaceSummary | null | undefined {
  const list = useProjectWorkspaces(projectId);
  if (!list.data) return list.isError ? null : undefined;
  return list.data.find((workspace) => workspace.workspaceId === workspaceId) ?? null;
}

/**
 * The workspace of `task` that its links must not show: the one it runs in while it runs (the
 * session shows it live), and a completed task's — destroyed by the cleanup that follows
 * completion, which the polled list may not have seen yet — unless the task kept it (a rejected
 * push: a commit without a pushed branch, node daemon task-completion.ts).
 */
export function workspaceNotToLink(task: Task | undefined): string | null {
  if (!task) return null;
  if (isInFlight(task.status)) return task.workspaceId;
  const keptAfterCompletion = task.output.branch === null && task.output.commitSha !== null;
  return task.status === 'completed' && !keptAfterCompletion ? task.workspaceId : null;
}
