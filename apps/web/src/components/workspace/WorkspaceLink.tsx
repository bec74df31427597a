/**
 * A workspace within reach (issue 17): what it is (its task or "made by hand", its branch, how
 * long a kept one stays), Open (the workspace page) and Delete. `WorkspaceLinks` lists the
 * project's workspaces that match — those of a chat session, of a task on the board; the nodes
 * page shows each node's with `WorkspaceLinkItem`.
 */
import type { WorkspaceSummary } from '@flotilla/contracts';
import { Link } from 'react-router';
import { errorText } from '../../lib/api';
import { keptUntilText, useDeleteWorkspace, useProjectWorkspaces } from '../../lib/workspaces';
import { useProjectRights } from '../../lib/project-role';
import { ConfirmButton } from '../ui/ConfirmButton';

interface ItemProps {
  workspace: WorkspaceSummary;
  /** Name the task (or "made by hand") and the project: where the workspace is not seen beside its task. */
  describe?: boolean;
  /** Only Open and Delete, small (a board card). */
  compact?: boolean;
}

/** What a workspace is, in words a user knows. */
function workspaceLabel(workspace: WorkspaceSummary, describe: boolean): string {
  const what = workspace.kind === 'manual' ? 'Workspace made by hand' : describe ? `Workspace of “${workspace.taskTitle ?? 'a task'}”` : workspace.expiresAt ? 'Kept workspace' : 'Workspace';
  return describe && workspace.projectName ? `${what} · ${workspace.projectName}` : what;
}

/** One workspace with Open and Delete (a plain button for now). */
export function WorkspaceLinkItem({ workspace, describe = false, compact = false }: ItemProps) {
  const projectId = workspace.projectId ?? '';
  const remove = useDeleteWorkspace({ projectId, workspaceId: workspace.workspaceId });
  const label = workspaceLabel(workspace, describe);
  // Beside "kept until …", "Kept workspace" would say it twice.
  const shownLabel = label === 'Kept workspace' ? 'Workspace' : label;
  return (
    <div className={`workspace-link${compact ? ' compact' : ''}`} data-workspace-id={workspace.workspaceId} data-testid="workspace-link">
      {!compact && (
        <span className="workspace-link-what">
          {describe && workspace.chatSessionId ? <Link to={`/projects/${projectId}/chat/${workspace.chatSessionId}`}>{label}</Link> : shownLabel} <code>{workspace.branch}</code>
        </span>
      )}
      {workspace.expiresAt && <span className="muted small" data-testid="workspace-kept-until">{keptUntilText(workspace.expiresAt)}</span>}
      <span className="workspace-link-actions">
        <Link to={`/projects/${projectId}/workspaces/${workspace.workspaceId}`} className="button-link small" aria-label={`Open ${label.toLowerCase()}`}>
          Open{compact ? ' workspace' : ''}
        </Link>
        <ConfirmButton
          className="secondary small"
          disabled={remove.isPending}
          onConfirm={() => remove.mutate()}
          question="Delete this workspace?"
          confirmLabel="Yes, delete"
          aria-label={`Delete ${label.toLowerCase()}`}
        >
          {remove.isPending ? 'Deleting…' : 'Delete'}
        </ConfirmButton>
      </span>
      {remove.isError && (
        <span role="alert" className="error small">
          {errorText(remove.error)}
        </span>
      )}
    </div>
  );
}

interface ListProps {
  projectId: string;
  /** Which of the project's workspaces to show (e.g. those of a chat session). */
  match: (workspace: WorkspaceSummary) => boolean;
  /** A workspace already linked where this list is shown (a running task's). */
  hideWorkspaceId?: string | null;
  compact?: boolean;
}

/** The project's workspaces that match, each with Open and Delete; nothing when none does. */
export function WorkspaceLinks({ projectId, match, hideWorkspaceId, compact = false }: ListProps) {
  const workspaces = useProjectWorkspaces(projectId);
  // Open (its live channel) and Delete are writes: not for a viewer (issue 14 item 2).
  const { canWrite } = useProjectRights(projectId);
  const shown = (workspaces.data ?? []).filter((workspace) => workspace.workspaceId !== hideWorkspaceId && match(workspace));
  if (shown.length === 0 || !canWrite) return null;
  return (
    <div className="workspace-links">
      {shown.map((workspace) => (
        <WorkspaceLinkItem key={workspace.workspaceId} workspace={workspace} compact={compact} />
      ))}
    </div>
  );
}
