/**
 * Workspaces within reach (issue 17, item 3): every workspace of a project that is not destroyed —
 * a task's (running, or kept for inspection after its run failed or was cancelled) and those made
 * by hand — as the web app links them from the chat, the board and the nodes page.
 */
import * as z from 'zod';
import { WorkspaceStatus } from './node.js';

/** One workspace as the lists show it (`GET /api/projects/:projectId/workspaces`, NodeInfo.workspaces). */
export const WorkspaceSummary = z.object({
  workspaceId: z.string(),
  projectId: z.string().nullable(),
  /** The project's name, for pages that show workspaces of several projects (the nodes page). */
  projectName: z.string().nullable(),
  /** `task`: made by a task's run; `manual`: made by hand ("New workspace"). */
  kind: z.enum(['task', 'manual']),
  taskId: z.string().nullable(),
  taskTitle: z.string().nullable(),
  /** The chat session the workspace belongs to; null when none was recorded. */
  chatSessionId: z.string().nullable(),
  nodeId: z.string(),
  branch: z.string(),
  status: WorkspaceStatus,
  /** When a task's kept workspace is deleted (KEPT_WORKSPACE_TTL_MS after its run ended); null: it does not expire. */
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WorkspaceSummary = z.infer<typeof WorkspaceSummary>;

/** `GET /api/projects/:projectId/workspaces`: the project's workspaces that are not destroyed, newest first. */
export const WorkspaceList = z.object({ workspaces: z.array(WorkspaceSummary) });
export type WorkspaceList = z.infer<typeof WorkspaceList>;
