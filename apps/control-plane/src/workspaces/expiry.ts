/**
 * Kept workspaces expire (issue 17, item 2): the workspace of a failed or cancelled task (or one
 * whose push was rejected) is kept for inspection, with `expires_at` set to KEPT_WORKSPACE_TTL_MS
 * after its run ended (runs/cleanup.ts). Past that, the node sweep (nodes/sweep.ts: the 15-minute
 * cron, or `POST /api/nodes/sweep` locally) deletes it on its node, marks it destroyed and
 * releases the node (warm, then destroyed by its warm timeout). Workspaces made by hand have no
 * expiry. A retried task runs in a fresh workspace, so expiring the old one does not touch it;
 * a workspace a task still runs in is never expired.
 */
import { TERMINAL_TASK_STATUSES } from '@flotilla/contracts';
import { errorMessage, type Logger } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { getTaskRow } from '../tasks/repository.js';
import { destroyWorkspaceAndRelease } from './disposal.js';
import { listExpiredWorkspaces, type WorkspaceRow } from './repository.js';

/**
 * Whether the task of workspace `row` still runs in it (its current workspace, not ended): such
 * a workspace is neither expired nor deleted.
 */
export async function taskStillRunsIn(deps: Pick<Deps, 'db'>, row: Pick<WorkspaceRow, 'id' | 'task_id'>): Promise<boolean> {
  if (!row.task_id) return false;
  const task = await getTaskRow(deps.db, row.task_id);
  return task !== null && task.workspace_id === row.id && !TERMINAL_TASK_STATUSES.includes(task.status);
}

/**
 * Delete every kept workspace whose expiry has passed at `nowMs` (ms since the epoch), and
 * release its node. One failure is logged and the others go on (the next sweep tries again).
 * @returns the ids of the workspaces deleted
 */
export async function expireKeptWorkspaces(deps: Deps, nowMs: number, log: Logger): Promise<string[]> {
  const expired: string[] = [];
  for (const row of await listExpiredWorkspaces(deps.db, new Date(nowMs).toISOString())) {
    try {
      if (await taskStillRunsIn(deps, row)) continue;
      await destroyWorkspaceAndRelease(deps, row.id, row.node_id, log);
      expired.push(row.id);
      log.info('kept workspace expired', { workspaceId: row.id, nodeId: row.node_id, taskId: row.task_id, expiresAt: row.expires_at });
    } catch (error) {
      log.warn('could not delete an expired workspace; the next sweep tries again', { workspaceId: row.id, nodeId: row.node_id, error: errorMessage(error) });
    }
  }
  return expired;
}
