/**
 * The cron's safety net for notifications: kick the Notifier of every project that still has
 * pending jobs (a lost alarm only delays a delivery). Never throws.
 */
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';

/** Kick each project's Notifier that has pending jobs. @returns how many were kicked */
export async function wakeNotifiers(deps: Pick<Deps, 'db' | 'stubs' | 'log'>): Promise<number> {
  try {
    const { results } = await deps.db.prepare("SELECT DISTINCT project_id FROM notification_jobs WHERE state = 'pending'").all<{ project_id: string }>();
    await Promise.all(results.map((row) => deps.stubs.notifier(row.project_id).kick(row.project_id)));
    return results.length;
  } catch (error) {
    deps.log.child({ component: 'notifications' }).warn('notifiers not woken', { error: errorMessage(error) });
    return 0;
  }
}
