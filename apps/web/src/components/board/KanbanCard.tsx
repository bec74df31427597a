/**
 * A task on the board: title (a link to its chat session), status, a workspace indicator, and
 * for a draft or ready task the actions edit, mark ready and run; an ended task's result
 * (result/BoardCardResult.tsx: its change in a few words, or the reason it failed, with Retry —
 * the same move as dragging the card, for keyboard and touch users). Shows the agent
 * (and VM size when set) the task runs with, and who created it ("by <login>").
 */
import { AGENT_CATALOG, type Task } from '@flotilla/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { memo, useState } from 'react';
import { Link } from 'react-router';
import { api, errorText } from '../../lib/api';
import { invalidateProject, isInFlight } from '../../lib/queries';
import { BoardCardResult } from '../result/BoardCardResult';
import { cardShowsUsage, UsageLine, WaitingReason } from '../cost/UsageLine';
import { StatusBadge } from '../ui/StatusBadge';
import { WorkspaceLinks } from '../workspace/WorkspaceLink';
import { DraftEditor } from './DraftEditor';
import { workspaceNotToLink } from '../../lib/workspaces';
import { useProjectRights } from '../../lib/project-role';
import { CreatedBy } from '../members/CreatedBy';

export const KanbanCard = memo(function KanbanCard({ projectId, task }: { projectId: string; task: Task }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { canWrite } = useProjectRights(projectId);
  // A viewer reads: no edit, mark ready or run (issue 14 item 2).
  const editable = canWrite && (task.status === 'draft' || task.status === 'ready');

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    }
    await invalidateProject(queryClient, projectId);
    setBusy(false);
  };

  return (
    <article className="kanban-card" aria-label={task.title} data-task-id={task.id}>
      <h3 className="card-title">
        {task.chatSessionId ? <Link to={`/projects/${projectId}/chat/${task.chatSessionId}`}>{task.title}</Link> : task.title}
      </h3>
      <div className="card-meta">
        <StatusBadge status={task.status} />
        {task.priority > 0 && <span className="muted small">priority {task.priority}</span>}
        <CreatedBy user={task.createdBy} />
        {!task.variants?.length && (
          <span className="muted small" data-testid="card-agent">
            {AGENT_CATALOG[task.agentType].label}
            {task.vmSize && ` · ${task.vmSize}`}
          </span>
        )}
        {task.workspaceId && isInFlight(task.status) && <span className="workspace-live small">workspace live</span>}
        {task.output.branch && <code className="small">{task.output.branch}</code>}
        {task.variants && task.variants.length > 0 && <span className="muted small">on {task.variants.map((v) => AGENT_CATALOG[v.agentType].label).join(', ')}</span>}
      </div>
      <BoardCardResult projectId={projectId} task={task} />
      {(task.waitingReason || cardShowsUsage(task.cost)) && (
        <div className="card-usage">
          <WaitingReason projectId={projectId} reason={task.waitingReason} compact />
          <UsageLine cost={task.cost} compact />
        </div>
      )}
      {editable && !editing && (
        <div className="card-actions">
          <button type="button" onClick={() => setEditing(true)} disabled={busy}>
            Edit
          </button>
          {task.status === 'draft' && (
            <button type="button" disabled={busy} onClick={() => void act(() => api.markTaskReady(projectId, task.id))}>
              Mark ready
            </button>
          )}
          <button type="button" className="primary" disabled={busy} onClick={() => void act(() => api.runTask(projectId, task.id))}>
            Run
          </button>
        </div>
      )}
      <WorkspaceLinks projectId={projectId} match={(w) => w.taskId === task.id} hideWorkspaceId={workspaceNotToLink(task)} compact />
      {editing && <DraftEditor projectId={projectId} task={task} onDone={() => setEditing(false)} />}
      {error && <p role="alert" className="error small">{error}</p>}
    </article>
  );
});
