/**
 * Retry a failed or cancelled task (`POST …/tasks/:taskId/retry`), then refresh the project's
 * tasks and sessions and the task itself; the error, in plain words, when the server refused.
 * One button for the result card and the board card.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, errorText } from '../../lib/api';
import { useProjectRights } from '../../lib/project-role';
import { invalidateProject, keys } from '../../lib/queries';

function useRetryTask(projectId: string, taskId: string): { retry: () => Promise<void>; busy: boolean; error: string | null } {
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

interface RetryButtonProps {
  projectId: string;
  taskId: string;
  /** Class of the row holding the button and its error. */
  rowClassName: string;
  className?: string;
  'aria-label'?: string;
}

/** A Retry button with the server's refusal beside it. */
export function RetryButton({ projectId, taskId, rowClassName, className, 'aria-label': ariaLabel }: RetryButtonProps) {
  const { retry, busy, error } = useRetryTask(projectId, taskId);
  const { canWrite } = useProjectRights(projectId);
  // A viewer reads: no Retry (issue 14 item 2).
  if (!canWrite) return null;
  return (
    <div className={rowClassName}>
      <button type="button" className={className} disabled={busy} onClick={() => void retry()} aria-label={ariaLabel}>
        Retry
      </button>
      {error && (
        <span role="alert" className="error small">
          {error}
        </span>
      )}
    </div>
  );
}
