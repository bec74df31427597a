/**
 * Worker entry: the HTTP API (app.ts), the cron, and the Durable Object classes. The cron every
 * 5 minutes wakes the runs under way (a lost alarm only delays a step) and sweeps triggers (due
 * schedule slots, owed GitHub comments: the safety net of the TriggerRunner's alarm); every 15
 * minutes it also sweeps nodes (nodes/sweep.ts). Each run also wakes the Notifier of every project
 * with notifications still to deliver (a lost alarm only delays them), and deletes audit events
 * older than AUDIT_RETENTION_DAYS (audit/record.ts) and session archives older than
 * SESSION_ARCHIVE_RETENTION_DAYS (session-archives/).
 */
import { app } from './app.js';
import { pruneAuditEvents } from './audit/record.js';
import { depsFromEnv, type Deps } from './deps.js';
import type { Env } from './env.js';
import { sweepNodes } from './nodes/sweep.js';
import { wakeNotifiers } from './notifications/wake.js';
import { pruneSessionArchives } from './session-archives/session-archives.js';
import { recoverTaskRuns } from './tasks/runner/recovery.js';
import { sweepTriggers } from './triggers/sweep.js';
import { wakeWorkspaceRuns } from './workspaces/runner/recovery.js';

export { ProjectData } from './chat/project-data.js';
export { NodeLifecycle } from './nodes/lifecycle/node-lifecycle.js';
export { TaskRunner } from './tasks/runner/task-runner.js';
export { TriggerRunner } from './triggers/trigger-runner.js';
export { WorkspaceRunner } from './workspaces/runner/workspace-runner.js';
export { Notifier } from './notifications/notifier.js';

/** The cron that only wakes runs; any other trigger (the 15-minute one, or a manual one) also sweeps nodes. */
const RUNS_ONLY_CRON = '*/5 * * * *';

/** Wake every task run and every set-up of a workspace created by hand that is under way. */
async function wakeRuns(deps: Deps): Promise<void> {
  const woken = (await recoverTaskRuns(deps)) + (await wakeWorkspaceRuns(deps));
  deps.log.child({ component: 'sweep' }).info('sweep done', { woken });
}

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const deps = depsFromEnv(env);
    ctx.waitUntil(wakeRuns(deps));
    ctx.waitUntil(sweepTriggers(deps, new Date()));
    ctx.waitUntil(wakeNotifiers(deps));
    ctx.waitUntil(pruneAuditEvents(deps, Date.now()));
    ctx.waitUntil(pruneSessionArchives(deps, Date.now()));
    if (controller.cron !== RUNS_ONLY_CRON) ctx.waitUntil(sweepNodes(deps));
  },
} satisfies ExportedHandler<Env>;
