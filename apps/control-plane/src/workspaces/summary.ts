/** A workspace as the lists show it (contracts WorkspaceSummary): the project's list, and each node's workspaces. */
import type { WorkspaceSummary } from '@flotilla/contracts';
import type { WorkspaceListRow } from './repository.js';

/** The public view of `row` (a row of workspaces with its task's title and project's name). */
export function toWorkspaceSummary(row: WorkspaceListRow): WorkspaceSummary {
  return {
    workspaceId: row.id,
    projectId: row.project_id,
    projectName: row.project_name,
    kind: row.task_id ? 'task' : 'manual',
    taskId: row.task_id,
    taskTitle: row.task_title,
    chatSessionId: row.chat_session_id || null,
    nodeId: row.node_id,
    branch: row.branch,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}
