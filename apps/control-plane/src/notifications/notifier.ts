/**
 * Notifier: one Durable Object per project (named by the project id) whose alarm delivers the
 * project's notification jobs (delivery.ts) — the first attempt as soon as it is kicked, each
 * retry when it is due. A thin adapter: the jobs live in D1, so a lost alarm loses nothing (the
 * cron wakes every project with pending jobs: index.ts).
 */
import { errorMessage } from '@flotilla/kit';
import { DurableObject } from 'cloudflare:workers';
import { depsFromEnv } from '../deps.js';
import type { Env } from '../env.js';
import { deliverDueJobs } from './delivery.js';
import type { NotifierRpc } from './notifier-rpc.js';

/** Wait before trying again after an alarm that failed as a whole (D1 unreachable), in ms. */
const FAILED_ALARM_RETRY_MS = 30_000;

export class Notifier extends DurableObject<Env> implements NotifierRpc {
  async kick(projectId: string): Promise<void> {
    await this.ctx.storage.put('projectId', projectId);
    await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    const projectId = await this.ctx.storage.get<string>('projectId');
    if (!projectId) return;
    const deps = depsFromEnv(this.env);
    try {
      const next = await deliverDueJobs(deps, projectId);
      if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
    } catch (error) {
      deps.log.child({ component: 'notifications' }).error('notification alarm failed', { projectId, error: errorMessage(error) });
      await this.ctx.storage.setAlarm(Date.now() + FAILED_ALARM_RETRY_MS);
    }
  }
}
