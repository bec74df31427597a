/**
 * Task changes pushed to the project's viewers: after every status transition (tasks/status.ts)
 * and every execution step a run reaches, the task as the API shows it goes out on the
 * ProjectData WebSocket as `{type: "task.updated", task}` (contracts ProjectEvent). The row is
 * the one just written, never read again. Best effort: a failure is logged and never fails the
 * change itself — viewers also poll, more slowly.
 */
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { toTask, type TaskRow } from './repository.js';

/** Broadcast `task` (as just written) to its project's viewers. Never throws. */
export async function announceTask(deps: Pick<Deps, 'stubs' | 'log'>, task: TaskRow): Promise<void> {
  try {
    await deps.stubs.projectData(task.project_id).announceTask(toTask(task));
  } catch (error) {
    deps.log.child({ component: 'task-events' }).warn('task change not announced', { taskId: task.id, error: errorMessage(error) });
  }
}
