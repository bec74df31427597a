/**
 * TriggerRunner: the one Durable Object (named `triggers`) whose alarm does triggers' timed work —
 * the next schedule slot of any trigger, and comments on GitHub issues that must be tried again.
 * A thin adapter over sweep.ts and issue-comments.ts: the alarm sweeps (due slots, owed comments)
 * and sets itself again; a task that ends owing a comment sets it to now, so the GitHub call is
 * never made while the task's status is being written. The cron's sweep is the safety net for a
 * lost alarm.
 */
import { errorMessage } from '@flotilla/kit';
import { DurableObject } from 'cloudflare:workers';
import { depsFromEnv } from '../deps.js';
import type { Env } from '../env.js';
import { commentPendingResults, commentsOwed } from './issue-comments.js';
import { listEnabledSchedules } from './repository.js';
import { nextSlot } from './schedule.js';
import { fireDueSchedules } from './sweep.js';
import type { TriggerRunnerRpc } from './trigger-runner-rpc.js';

export class TriggerRunner extends DurableObject<Env> implements TriggerRunnerRpc {
  private get deps() {
    return depsFromEnv(this.env);
  }

  /** Alarm at the earliest next slot of an enabled schedule, or sooner when a comment is owed; none when nothing waits. */
  async rearm(): Promise<void> {
    const now = new Date();
    const slots = (await listEnabledSchedules(this.deps.db)).map((trigger) => nextSlot(trigger, now)?.getTime() ?? Number.POSITIVE_INFINITY);
    if (await commentsOwed(this.deps)) slots.push(now.getTime() + this.deps.config.TRIGGER_COMMENT_RETRY_MS);
    const at = Math.min(...slots);
    if (Number.isFinite(at)) await this.ctx.storage.setAlarm(Math.max(at, now.getTime()));
    else await this.ctx.storage.deleteAlarm();
  }

  async commentSoon(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    const log = this.deps.log.child({ component: 'trigger-runner' });
    try {
      await fireDueSchedules(this.deps, new Date());
      await commentPendingResults(this.deps);
    } catch (error) {
      log.warn('trigger sweep failed', { error: errorMessage(error) });
    }
    await this.rearm();
  }
}
