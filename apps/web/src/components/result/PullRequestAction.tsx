/**
 * A completed task's pull request on the result card and the review panel (issue 16 item 1): the
 * link to it when it has one; otherwise, when the task's branch was pushed and its project's
 * repository is on github.com, "Open pull request" (`POST …/tasks/:taskId/pull-request`, the
 * control plane opens it with the saved github.com token) — "Opening…" while it runs, the
 * server's refusal in plain words beside it, and the link in its place once it is open.
 */
import { githubRepositoryOf, pullRequestBlocker, type Task } from '@flotilla/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorText } from '../../lib/api';
import { rightsOf, roleOf } from '../../lib/project-role';
import { invalidateProject, keys, useProject } from '../../lib/queries';

/** Open the task's pull request; the URL once open, the refusal otherwise. */
function useOpenPullRequest(task: Task): { open: () => Promise<void>; busy: boolean; error: string | null; openedUrl: string | null } {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [openedUrl, setOpenedUrl] = useState<string | null>(null);
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const opened = await api.openPullRequest(task.projectId, task.id);
      setOpenedUrl(opened.output.prUrl);
    } catch (e) {
      setError(errorText(e));
    }
    await Promise.all([invalidateProject(queryClient, task.projectId), queryClient.invalidateQueries({ queryKey: keys.task(task.projectId, task.id) })]);
    setBusy(false);
  };
  return { open, busy, error, openedUrl };
}

/** The pull request link, or "Open pull request" where one can be opened, or nothing. */
export function PullRequestAction({ task }: { task: Task }) {
  const project = useProject(task.projectId);
  const { open, busy, error, openedUrl } = useOpenPullRequest(task);
  const prUrl = task.output.prUrl ?? openedUrl;
  if (prUrl) {
    return (
      <a className="button-link" href={prUrl} target="_blank" rel="noreferrer" data-testid="pull-request-link">
        Pull request
      </a>
    );
  }
  // A viewer reads: no "Open pull request" (issue 14 item 2).
  if (!project.data || !rightsOf(roleOf(project.data)).canWrite || !githubRepositoryOf(project.data) || pullRequestBlocker(task) !== null) return null;
  return (
    <>
      <button type="button" className="primary" disabled={busy} onClick={() => void open()} data-testid="open-pull-request">
        {busy ? 'Opening pull request…' : 'Open pull request'}
      </button>
      {error && (
        <span role="alert" className="error small pull-request-error">
          Could not open the pull request: {error}
        </span>
      )}
    </>
  );
}
