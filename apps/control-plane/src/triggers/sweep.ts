/**
 * The trigger sweep: every enabled schedule trigger with a due slot makes its task (one per slot:
 * the slot is claimed in D1 first, so the TriggerRunner's alarm, the cron and a manual sweep racing
 * each other make one), and every GitHub issue task that ended and still owes its comment is
 * commented (a retry of a comment that failed before). Run by the TriggerRunner's alarm, by the
 * Worker's cron as a safety net, and in local mode by `POST /api/triggers/sweep` — which may give
 * the time to sweep at, so tests need not wait for the clock.
 */
import type { TriggerSweepResult } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { fireTriggerOnce } from './fire.js';
import { commentPendingResults } from './issue-comments.js';
import { listEnabledSchedules, recordFiredSlot, templateOf } from './repository.js';
import { dueSlot } from './schedule.js';
import { taskRequestOf } from './template.js';

/**
 * Fire the schedule slots due at `now`.
 * @returns the tasks made (a slot another sweep made first is not listed)
 */
export async function fireDueSchedules(deps: Deps, now: Date): Promise<TriggerSweepResult['fired']> {
  const log = deps.log.child({ component: 'triggers' });
  const fired: TriggerSweepResult['fired'] = [];
  for (const trigger of await listEnabledSchedules(deps.db)) {
    const slot = dueSlot(trigger, now);
    const template = templateOf(trigger);
    if (!slot || !template) continue;
    const slotIso = slot.toISOString();
    try {
      const firing = await fireTriggerOnce(deps, trigger, { triggerId: trigger.id, fireKey: `slot:${slotIso}` }, taskRequestOf(template, { slot: slotIso }), false);
      await recordFiredSlot(deps.db, trigger.id, slotIso);
      if (firing.made) fired.push({ triggerId: trigger.id, slot: slotIso, taskId: firing.task.id });
    } catch (error) {
      log.warn('schedule slot made no task', { triggerId: trigger.id, slot: slotIso, error: errorMessage(error) });
    }
  }
  return fired;
}

/** The whole sweep at `now`: due schedule slots, then comments owed. */
export async function sweepTriggers(deps: Deps, now: Date): Promise<TriggerSweepResult> {
  const fired = await fireDueSchedules(deps, now);
  const commented = await commentPendingResults(deps);
  await deps.stubs.triggerRunner().rearm();
  return { fired, commented };
}
