/**
 * Task changes pushed to the project's viewers: after every status transition (tasks/status.ts)
 * and every execution step a run reaches, the task as the API shows it goes out on the
 * ProjectData WebSocket as `{type: "task.updated", task}` (contracts ProjectEvent). The row is
 * the one just written, never read again — but a task run on several agents goes out with its
 * variants (read), and a change of a variant also sends its parent, whose `variants` show it.
 * Best effort: a failure is logged and never fails the change itself — viewers also poll, more
 * slowly.
 */
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { getTaskRow, toTask, type TaskRow } from './repository.js';
import { withVariantsOne } from './variants.js';

/** Broadcast `task` (as just written) to its project's viewers, and its parent when it is a variant. Never throws. */
export async function announceTask(deps: Pick<Deps, 'db' | 'stubs' | 'log'>, task: TaskRow): Promise<void> {
  try {
    const projectData = deps.stubs.projectData(task.project_id);
    await projectData.announceTask(task.variant_agent_types || task.created_by ? await withVariantsOne(deps.db, task) : toTask(task));
    const parent = task.parent_task_id ? await getTaskRow(deps.db, task.parent_task_id) : null;
    if (parent) await projectData.announceTask(await withVariantsOne(deps.db, parent));
  } catch (error) {
    deps.log.child({ component: 'task-events' }).warn('task change not announced', { taskId: task.id, error: errorMessage(error) });
  }
}
