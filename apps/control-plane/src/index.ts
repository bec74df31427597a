/**
 * Worker entry: the HTTP API, the cron sweep, and the Durable Object classes.
 */
import { app } from './app.js';
import type { Env } from './env.js';
import { runSweep } from './services/sweep.js';

export { ProjectData } from './durable-objects/project-data/project-data.js';
export { TaskRunner } from './durable-objects/task-runner/task-runner.js';

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    ctx.waitUntil(runSweep(env));
  },
} satisfies ExportedHandler<Env>;
