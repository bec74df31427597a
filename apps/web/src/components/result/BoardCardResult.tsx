/**
 * The result line of a board card: a completed task's change in a few words ("3 files +42 −7",
 * "no changes") with a link to its review (issue 16); a failed task's reason in one sentence
 * with Retry; a cancelled one's Retry. Nothing for a task not ended.
 */
import type { Task } from '@flotilla/contracts';
import { Link } from 'react-router';
import { shortDiffSummary } from '../../lib/diff-summary';
import { explainFailure } from '../../lib/failure';
import { RetryButton } from './RetryButton';

export function BoardCardResult({ projectId, task }: { projectId: string; task: Task }) {
  if (task.status === 'completed') {
    const summary = task.variants ? null : shortDiffSummary(task.output);
    if (!summary) return null;
    const changed = (task.output.diffStat?.fileCount ?? task.output.filesChanged?.length ?? 0) > 0;
    return (
      <p className="card-result small" data-testid="card-diff">
        {summary}
        {changed && task.chatSessionId && ' '}
        {changed && task.chatSessionId && (
          <Link className="card-review-link" to={`/projects/${projectId}/chat/${task.chatSessionId}?review`} aria-label={`Review the changes of ${task.title}`}>
            Review
          </Link>
        )}
      </p>
    );
  }
  if (task.status === 'failed' || task.status === 'cancelled') return <RetryableResult projectId={projectId} task={task} />;
  return null;
}

function RetryableResult({ projectId, task }: { projectId: string; task: Task }) {
  return (
    <div className="card-result">
      {task.status === 'failed' && <p className="small">{explainFailure(task.error).sentence}</p>}
      <RetryButton projectId={projectId} taskId={task.id} rowClassName="card-actions" aria-label={`Retry ${task.title}`} />
    </div>
  );
}
