/**
 * What triggers do when a task ends (called by tasks/status.ts after a transition to completed,
 * failed or cancelled): a task made from a GitHub issue has its result commented back on the
 * issue, by the TriggerRunner's alarm, set to now here (it has what the comment needs: the GitHub
 * API's URL and the stored token; and a slow GitHub does not hold up the task's end). Never throws: a failure is logged, and the TriggerRunner's alarm and the cron's
 * sweep try the comment again.
 */
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { owesComment } from './repository.js';

/** Wake the TriggerRunner when ended task `taskId` owes a comment on its GitHub issue. */
export async function afterTaskEnded(deps: Pick<Deps, 'db' | 'stubs' | 'log'>, taskId: string): Promise<void> {
  try {
    if (await owesComment(deps.db, taskId)) await deps.stubs.triggerRunner().commentSoon();
  } catch (error) {
    deps.log.child({ component: 'triggers' }).warn('the result of a GitHub issue task was not commented yet', { taskId, error: errorMessage(error) });
  }
}
