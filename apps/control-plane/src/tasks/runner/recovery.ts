/**
 * The cron's safety net for task runs (every 5 minutes; locally `GET /cdn-cgi/handler/scheduled`):
 * every task whose run has not ended gets its TaskRunner woken (`recover`: a queued task whose
 * run never began is started), so a lost alarm only delays a step, never strands a task. A task
 * on several agents has no run of its own: its status is brought up to its variants' instead.
 */
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../../deps.js';
import { listTasksUnderWay, runSubjectOf } from '../repository.js';
import { followVariants } from '../status.js';

/** Wake the runs of the tasks under way. @returns how many runners were reached */
export async function recoverTaskRuns(deps: Pick<Deps, 'db' | 'stubs' | 'log'>): Promise<number> {
  const log = deps.log.child({ component: 'sweep' });
  let woken = 0;
  for (const task of await listTasksUnderWay(deps.db)) {
    try {
      if (task.variant_agent_types) {
        await followVariants(deps, task.id);
        continue;
      }
      await deps.stubs.taskRunner(task.id).recover(runSubjectOf(task), task.status);
      woken += 1;
    } catch (error) {
      log.warn('could not wake task runner', { taskId: task.id, error: errorMessage(error) });
    }
  }
  return woken;
}
