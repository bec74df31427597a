/**
 * A trigger making its task: the task is submitted as a typed one would be (tasks/submission.ts),
 * with the trigger as its actor. A firing with a key (a schedule slot, a GitHub issue) is claimed
 * first in D1, so that the same event makes one task however often and however concurrently it
 * arrives; a claim whose task could not be made is given up, so the event can try again.
 */
import type { CreateTaskRequest, Task } from '@flotilla/contracts';
import type { Deps } from '../deps.js';
import { requireProject } from '../projects/projects.js';
import { submitTask } from '../tasks/submission.js';
import { claimFiring, findFiring, recordFiringTask, releaseFiring, type FiringClaim, type TriggerRow } from './repository.js';

type FireDeps = Pick<Deps, 'db' | 'stubs' | 'log'>;

/** The actor of the status events of a trigger's task. */
export const triggerActor = (trigger: Pick<TriggerRow, 'id'>) => `trigger:${trigger.id}`;

/** Make `request`'s task for `trigger`, with no key (every webhook call makes one). */
export async function fireTrigger(deps: FireDeps, trigger: TriggerRow, request: CreateTaskRequest): Promise<Task> {
  const task = await submitTask(deps, await requireProject(deps.db, trigger.project_id), request, triggerActor(trigger));
  await claimFiring(deps.db, { triggerId: trigger.id, fireKey: `call:${task.id}` });
  await recordFiringTask(deps.db, trigger.id, `call:${task.id}`, task.id, false);
  deps.log.child({ component: 'triggers' }).info('trigger made a task', { triggerId: trigger.id, kind: trigger.kind, taskId: task.id });
  return task;
}

export type KeyedFiring = { made: true; task: Task } | { made: false; taskId: string | null };

/**
 * Make `request`'s task for `trigger` once for `claim.fireKey` (and GitHub delivery
 * `claim.deliveryId`): the first caller makes it; any other gets the task made before (or null
 * while the first is still making it).
 * @param owesComment the task's result is to be commented back on its GitHub issue
 */
export async function fireTriggerOnce(deps: FireDeps, trigger: TriggerRow, claim: FiringClaim, request: CreateTaskRequest, owesComment: boolean): Promise<KeyedFiring> {
  if (!(await claimFiring(deps.db, claim))) {
    const earlier = await findFiring(deps.db, trigger.id, claim.fireKey, claim.deliveryId);
    return { made: false, taskId: earlier?.task_id ?? null };
  }
  try {
    const task = await submitTask(deps, await requireProject(deps.db, trigger.project_id), request, triggerActor(trigger));
    await recordFiringTask(deps.db, trigger.id, claim.fireKey, task.id, owesComment);
    deps.log.child({ component: 'triggers' }).info('trigger made a task', { triggerId: trigger.id, kind: trigger.kind, fireKey: claim.fireKey, taskId: task.id });
    return { made: true, task };
  } catch (error) {
    await releaseFiring(deps.db, trigger.id, claim.fireKey);
    throw error;
  }
}
