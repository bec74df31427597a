/**
 * Task changes pushed to the project's viewers: after every status transition (task-status.ts)
 * and every execution step the TaskRunner reaches, the task as the API shows it goes out on the
 * ProjectData WebSocket as `{type: "task.updated", task}` (contracts ProjectEvent). Best effort:
 * a failure is logged and never fails the change itself — viewers also poll, more slowly.
 */
import { getTaskRow, toTask } from '../db/tasks-repository.js';
import type { Env } from '../env.js';
import { createLogger, errorMessage } from '../lib/logger.js';

const log = createLogger('task-events');

/** Broadcast task `taskId` as it is now to its project's viewers. Never throws. */
export async function announceTaskChange(env: Env, taskId: string): Promise<void> {
  try {
    const row = await getTaskRow(env.DB, taskId);
    if (!row) return;
    await env.PROJECT_DATA.get(env.PROJECT_DATA.idFromName(row.project_id)).announceTask(toTask(row));
  } catch (error) {
    log.warn('task change not announced', { taskId, error: errorMessage(error) });
  }
}
