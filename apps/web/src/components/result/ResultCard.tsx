/**
 * The result of a task whose run ended, where its chat session shows its end (issue 17 item 1):
 * - completed: the outcome in one sentence (files and +/− from the diff stat the node daemon
 *   measured on the pushed branch, or "The agent made no changes."), the changed files, Copy
 *   branch, the compare command, the pull request (or "Open pull request", PullRequestAction.tsx),
 *   the warning (e.g. the push was rejected), and "Review changes" (the diff with line comments, review/ReviewPanel.tsx, issue 16);
 * - failed: the reason in one plain sentence with what to do (lib/failure.ts), the raw error under
 *   Details, and Retry;
 * - cancelled: says so, with Retry.
 * Nothing for a task still under way.
 */
import type { Task } from '@flotilla/contracts';
import { Link } from 'react-router';
import { changedFileCount, compareCommand, filesWord, lineCounts } from '../../lib/diff-summary';
import { explainFailure } from '../../lib/failure';
import { ChangedFiles } from './ChangedFiles';
import { CopyButton } from './CopyButton';
import { PullRequestAction } from './PullRequestAction';
import { RetryButton } from './RetryButton';

interface Props {
  projectId: string;
  task: Task;
}

export function ResultCard({ projectId, task }: Props) {
  if (task.status === 'completed') return <CompletedResult task={task} />;
  if (task.status === 'failed' || task.status === 'cancelled') return <EndedWithoutResult projectId={projectId} task={task} />;
  return null;
}

/** "Changed 3 files (+42 −7)", or null when nothing changed. */
function changeWords(task: Task): string | null {
  const count = changedFileCount(task.output);
  if (count === 0) return null;
  const stat = task.output.diffStat;
  return stat ? `Changed ${filesWord(count)} (${lineCounts(stat.additions, stat.deletions)})` : `Changed ${filesWord(count)}`;
}

function CompletedResult({ task }: { task: Task }) {
  const { branch, prUrl, warning, diffStat } = task.output;
  const change = changeWords(task);
  // A task on several agents: each variant's result is in the comparison and its own session.
  if (task.variants) return null;
  return (
    <section className="result-card result-completed" aria-label="Result" data-testid="result-card">
      <p className="result-outcome">
        {change === null ? (
          'The agent made no changes.'
        ) : branch ? (
          <>
            {change} on <code data-testid="task-branch">{branch}</code>.
          </>
        ) : (
          `${change}; the branch was not pushed.`
        )}
      </p>
      {warning && <p className="warning small">{warning}</p>}
      {diffStat && <ChangedFiles stat={diffStat} />}
      {(branch || prUrl || change !== null) && (
        <div className="result-actions">
          {branch && <CopyButton text={branch} label="Copy branch" what="the branch name" />}
          {branch && change !== null && <CopyButton text={compareCommand(branch, diffStat)} label="Copy compare command" what="the compare command" />}
          {change !== null && task.chatSessionId && (
            <Link className="button-link" to={`/projects/${task.projectId}/chat/${task.chatSessionId}?review`} data-testid="review-link">
              Review changes
            </Link>
          )}
          <PullRequestAction task={task} />
        </div>
      )}
      {branch && change !== null && (
        <p className="result-compare small">
          <span className="muted">Compare on your clone: </span>
          <code className="compare-command">{compareCommand(branch, diffStat)}</code>
        </p>
      )}
    </section>
  );
}

function EndedWithoutResult({ projectId, task }: Props) {
  const explained =
    task.status === 'cancelled' ? { sentence: 'The task was cancelled.', hint: 'Retry starts it again in a fresh workspace.' } : explainFailure(task.error);
  return (
    <section className={`result-card result-${task.status}`} aria-label="Result" data-testid="result-card">
      <p className="result-outcome">{explained.sentence}</p>
      <p className="small">
        {explained.hint}
        {/project settings/.test(explained.hint) && (
          <>
            {' '}
            <Link to={`/projects/${projectId}/settings`}>Open the project settings</Link>
          </>
        )}
      </p>
      {task.status === 'failed' && task.error && (
        <details className="result-details">
          <summary>Details</summary>
          <pre>{task.error}</pre>
        </details>
      )}
      <RetryButton projectId={projectId} taskId={task.id} rowClassName="result-actions" className="primary" />
    </section>
  );
}
