/**
 * Worker entry: the HTTP API, the cron sweeps, and the Durable Object classes.
 */
import { app } from './app.js';
import type { Env } from './env.js';
import { runSweep, sweepNodes } from './services/sweep.js';

export { NodeLifecycle } from './durable-objects/node-lifecycle/node-lifecycle.js';
export { ProjectData } from './durable-objects/project-data/project-data.js';
export { TaskRunner } from './durable-objects/task-runner/task-runner.js';

/** The cron that only wakes task runners; any other trigger (the 15-minute one, or a manual one) also sweeps nodes. */
const TASK_ONLY_CRON = '*/5 * * * *';

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    ctx.waitUntil(runSweep(env));
    if (controller.cron !== TASK_ONLY_CRON) ctx.waitUntil(sweepNodes(env));
  },
} satisfies ExportedHandler<Env>;
