/**
 * Schedule triggers' cron expressions, read with croner (UTC): five fields (minute first), or six
 * with seconds first. A slot is one time the expression names; each slot makes one task. When
 * slots were missed (the control plane was down, or the trigger was just turned back on), the
 * latest of them makes one task, not one each. Counting starts at the later of the last fired
 * slot and the trigger's last change (creation, or being turned on), so turning a trigger on
 * fires nothing for the time it was off.
 */
import { badRequest } from '@flotilla/kit';
import { Cron } from 'croner';
import type { TriggerRow } from './repository.js';

/** How many slots ahead are looked at to check the shortest interval of an expression. */
const INTERVAL_CHECK_SLOTS = 10;
/** Most slots stepped over to find the latest missed one (beyond it, that slot fires). */
const MAX_SLOTS_STEPPED = 10_000;

/** The expression, read (paused: croner only computes here, it never schedules). */
function cronOf(expression: string): Cron {
  return new Cron(expression, { paused: true, timezone: 'Etc/UTC' });
}

/**
 * Check a cron expression for a new schedule trigger.
 * @param minIntervalMs the shortest time allowed between two slots (TRIGGER_SCHEDULE_MIN_INTERVAL_MS)
 * @throws FlotillaError bad_request (400) when croner cannot read it, it names no future time, or
 *   two of its next slots are closer than `minIntervalMs`
 */
export function checkCronExpression(expression: string, minIntervalMs: number): void {
  let runs: Date[];
  try {
    runs = cronOf(expression).nextRuns(INTERVAL_CHECK_SLOTS);
  } catch (error) {
    throw badRequest(`cron: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (runs.length === 0) throw badRequest('cron: the expression names no future time');
  for (let i = 1; i < runs.length; i += 1) {
    const gapMs = runs[i]!.getTime() - runs[i - 1]!.getTime();
    if (gapMs < minIntervalMs) throw badRequest(`cron: slots ${gapMs / 1000} s apart; the shortest interval allowed is ${minIntervalMs / 1000} s (TRIGGER_SCHEDULE_MIN_INTERVAL_MS)`);
  }
}

/** The time slots of `trigger` are counted from (see the module comment). */
function baselineOf(trigger: Pick<TriggerRow, 'last_fired_slot' | 'updated_at'>): Date {
  const last = trigger.last_fired_slot ?? '';
  return new Date(last > trigger.updated_at ? last : trigger.updated_at);
}

/** The latest slot of `trigger` at or before `now` that has not fired, or null. */
export function dueSlot(trigger: Pick<TriggerRow, 'cron' | 'last_fired_slot' | 'updated_at'>, now: Date): Date | null {
  if (!trigger.cron) return null;
  const cron = cronOf(trigger.cron);
  let slot = cron.nextRun(baselineOf(trigger));
  if (!slot || slot > now) return null;
  for (let i = 0; i < MAX_SLOTS_STEPPED; i += 1) {
    const next = cron.nextRun(slot);
    if (!next || next > now) break;
    slot = next;
  }
  return slot;
}

/** The next slot of `trigger` after `now` (or its due one, when one is due), or null. */
export function nextSlot(trigger: Pick<TriggerRow, 'cron' | 'last_fired_slot' | 'updated_at' | 'enabled'>, now: Date): Date | null {
  if (!trigger.cron || trigger.enabled !== 1) return null;
  const due = dueSlot(trigger, now);
  if (due) return due;
  const baseline = baselineOf(trigger);
  return cronOf(trigger.cron).nextRun(baseline > now ? baseline : now);
}
