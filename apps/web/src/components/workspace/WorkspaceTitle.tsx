/**
 * The workspace page's title (issue 17, item 4): what the user knows the workspace by — its
 * project, its task's title (or "Workspace" for one made by hand) and its branch; the raw id
 * stays, small, for support.
 */
import type { WorkspaceSummary } from '@flotilla/contracts';
import { useProject } from '../../lib/queries';
import { keptUntilText } from '../../lib/workspaces';

interface Props {
  projectId: string;
  workspaceId: string;
  summary: WorkspaceSummary | null | undefined;
  /** The branch when the list does not know the workspace (one made by hand, still being set up). */
  branch?: string | null;
}

export function WorkspaceTitle({ projectId, workspaceId, summary, branch }: Props) {
  const project = useProject(projectId);
  const what = summary?.kind === 'task' ? (summary.taskTitle ?? 'Task workspace') : 'Workspace';
  const shownBranch = summary?.branch ?? branch ?? null;
  return (
    <div className="workspace-title">
      <h1 className="project-title">
        {project.data && <span className="workspace-title-project">{project.data.name} · </span>}
        {what}
        {shownBranch && (
          <>
            {' '}
            <code className="workspace-title-branch">{shownBranch}</code>
          </>
        )}
      </h1>
      <span className="muted small">
        <code>{workspaceId}</code>
        {summary?.expiresAt && <> · {keptUntilText(summary.expiresAt)}</>}
      </span>
    </div>
  );
}
