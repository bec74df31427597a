/**
 * The diff of a task (issue 16 item 1, review) from `GET /api/projects/:id/tasks/:taskId/diff`,
 * cached per commit: when the task completes again with a new commit (a later push), the key
 * changes and the new diff is fetched.
 */
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from './api';

/**
 * The task's diff; `data` null when it has none (404: not completed, no change, or a node daemon
 * that sends none).
 * @param version what identifies the diff (the task's last commit and update time)
 */
export function useTaskDiff(projectId: string, taskId: string, version: string) {
  return useQuery({
    queryKey: ['task-diff', projectId, taskId, version] as const,
    queryFn: async () => {
      try {
        return await api.getTaskDiff(projectId, taskId);
      } catch (error) {
        if (error instanceof ApiError && error.notFound) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}
