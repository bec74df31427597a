/**
 * The review of a task's change (issue 16 item 1), in its session view in place of the messages:
 * the diff against the base branch as the node daemon read it when it pushed (so it outlives the
 * workspace) — files, hunks, syntax highlighting, unified or split view —, line comments, and
 * "Send review"; and the pull request, or "Open pull request" (result/PullRequestAction.tsx). The
 * diff refreshes when the task completes again with a new commit.
 * Loaded on demand (react-diff-view and refractor are not in the first bundle).
 */
import type { Task } from '@flotilla/contracts';
import { useCallback, useMemo, useState } from 'react';
import { parseDiff, type ViewType } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import { errorText } from '../../lib/api';
import { useProjectRights } from '../../lib/project-role';
import { isInFlight } from '../../lib/queries';
import { useTaskDiff } from '../../lib/task-diff';
import { PullRequestAction } from '../result/PullRequestAction';
import type { LineSelection } from './diff-lines';
import { FileDiff, pathOf, type DraftComment } from './FileDiff';
import { ReviewComments } from './ReviewComments';

interface Props {
  projectId: string;
  task: Task;
  sessionId: string;
  onClose: () => void;
}

/** Split where there is room for two columns of code; unified on a phone. */
const initialViewType = (): ViewType => (window.matchMedia('(min-width: 900px)').matches ? 'split' : 'unified');

export default function ReviewPanel({ projectId, task, sessionId, onClose }: Props) {
  const diff = useTaskDiff(projectId, task.id, `${task.output.commitSha ?? ''}@${task.status === 'completed' ? task.updatedAt : 'running'}`);
  const files = useMemo(() => (diff.data ? parseDiff(diff.data.patch, { nearbySequences: 'zip' }) : []), [diff.data]);
  const order = useMemo(() => files.map(pathOf), [files]);
  const [viewType, setViewType] = useState<ViewType>(initialViewType);
  const [selection, setSelection] = useState<LineSelection | null>(null);
  const [comments, setComments] = useState<DraftComment[]>([]);
  const addComment = useCallback((comment: Omit<DraftComment, 'id'>) => setComments((all) => [...all, { ...comment, id: crypto.randomUUID() }]), []);
  const removeComment = useCallback((id: string) => setComments((all) => all.filter((c) => c.id !== id)), []);
  // A viewer reads the diff: no line comments, no "Send review" (issue 14 item 2).
  const { canWrite } = useProjectRights(projectId);
  const base = diff.data?.baseBranch ?? task.output.diffStat?.baseBranch ?? null;

  return (
    <section className="review-panel" aria-label="Review">
      <div className="review-bar">
        <h3 className="review-title">Changes{base ? ` against ${base}` : ''}</h3>
        <div className="review-view-switch" role="group" aria-label="Diff view">
          {(['unified', 'split'] as const).map((type) => (
            <button key={type} type="button" aria-pressed={viewType === type} onClick={() => setViewType(type)}>
              {type === 'unified' ? 'Unified' : 'Split'}
            </button>
          ))}
        </div>
        {task.status === 'completed' && <PullRequestAction task={task} />}
        <button type="button" onClick={onClose}>
          Back to the chat
        </button>
      </div>
      <div className="review-scroll">
        {isInFlight(task.status) && (
          <p className="small notice" role="status">
            The agent is working on it; the diff refreshes when it pushes again.
          </p>
        )}
        {diff.isPending && <p className="muted">Loading the diff…</p>}
        {diff.isError && (
          <p role="alert" className="error">
            Could not load the diff: {errorText(diff.error)}
          </p>
        )}
        {diff.data === null && <p className="muted">This task has no diff: it made no changes, or has not completed yet.</p>}
        {diff.data && (
          <>
            <p className="small muted" data-testid="review-commit">
              {files.length === 1 ? '1 file' : `${files.length} files`}
              {diff.data.commitSha && (
                <>
                  {' '}at <code>{diff.data.commitSha.slice(0, 12)}</code>
                </>
              )}
              {diff.data.branch && (
                <>
                  {' '}on <code>{diff.data.branch}</code>
                </>
              )}
            </p>
            {diff.data.truncated && (
              <div className="warning small" role="note">
                The diff was cut at its size limit; {diff.data.omittedFileCount === 1 ? '1 file is' : `${diff.data.omittedFileCount} files are`} not shown
                {diff.data.omittedFiles.length > 0 && `: ${diff.data.omittedFiles.join(', ')}`}
                {diff.data.omittedFileCount > diff.data.omittedFiles.length && ` and ${diff.data.omittedFileCount - diff.data.omittedFiles.length} more`}.
              </div>
            )}
            {files.map((file) => {
              const path = pathOf(file);
              return (
                <FileDiff
                  key={`${file.oldPath}→${file.newPath}`}
                  file={file}
                  viewType={viewType}
                  selection={selection?.path === path ? selection : null}
                  comments={comments.filter((c) => c.path === path)}
                  onSelect={canWrite ? setSelection : undefined}
                  onAddComment={addComment}
                  onRemoveComment={removeComment}
                />
              );
            })}
          </>
        )}
      </div>
      {canWrite && <ReviewComments projectId={projectId} sessionId={sessionId} comments={comments} order={order} onRemove={removeComment} onSent={() => setComments([])} />}
    </section>
  );
}
