/**
 * Retry a failed or cancelled task (`POST …/tasks/:taskId/retry`), then refresh the project's
 * tasks and sessions and the task itself; the error, in plain words, when the server refused.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, errorText } from '../../lib/api';
import { invalidateProject, keys } from '../../lib/queries';

export function useRetryTask(projectId: string, taskId: string): { retry: () => Promise<void>; busy: boolean; error: string | null } {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.retryTask(projectId, taskId);
    } catch (e) {
      setError(e instanceof ApiError && e.notFound ? 'Retry is not available on this server yet.' : errorText(e));
    }
    await Promise.all([invalidateProject(queryClient, projectId), queryClient.invalidateQueries({ queryKey: keys.task(projectId, taskId) })]);
    setBusy(false);
  };
  return { retry, busy, error };
}
