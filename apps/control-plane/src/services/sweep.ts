/**
 * The cron sweep (every 5 minutes; locally `GET /cdn-cgi/handler/scheduled`): the safety net for
 * alarms. Every task whose run has not ended gets its TaskRunner woken (`recover`: a queued task
 * whose run never began is started), so a lost alarm only delays a step, never strands a task;
 * so does every workspace created by hand that is still being set up or running (its runner is
 * named by the workspace id; before its workspace row exists only its own alarm drives it). The node sweep is its own function, `sweepNodes`
 * (node-sweep.ts), run every 15 minutes.
 */
import type { Env } from '../env.js';
import { createLogger, errorMessage } from '../lib/logger.js';
import { taskRunner } from './task-submission.js';

export { sweepNodes } from './node-sweep.js';

const log = createLogger('sweep');

export async function runSweep(env: Env): Promise<{ woken: number }> {
  const { results } = await env.DB.prepare("SELECT id, project_id FROM tasks WHERE status IN ('queued', 'delegated', 'in_progress')").all<{ id: string; project_id: string }>();
  let woken = 0;
  for (const { id, project_id: projectId } of results) {
    try {
      await taskRunner(env, id).recover(id, projectId);
      woken += 1;
    } catch (error) {
      log.warn('could not wake task runner', { taskId: id, error: errorMessage(error) });
    }
  }
  const manual = await env.DB.prepare("SELECT id FROM workspaces WHERE task_id IS NULL AND status IN ('creating', 'running')").all<{ id: string }>();
  for (const { id } of manual.results) {
    try {
      await taskRunner(env, id).wake();
      woken += 1;
    } catch (error) {
      log.warn('could not wake the runner of a workspace created by hand', { workspaceId: id, error: errorMessage(error) });
    }
  }
  log.info('sweep done', { woken });
  return { woken };
}
