/**
 * TaskRunner: one Durable Object per task (named by the task id), driving its run through the
 * steps of DESIGN.md §2. A thin adapter: its storage and alarm, the deps built from Env, and the
 * run in task-run.ts. Callbacks (`wake`, `completeRun`) only record facts and schedule the alarm.
 */
import type { TaskCallbackRequest, TaskStatus } from '@flotilla/contracts';
import type { Outcome } from '@flotilla/kit';
import { DurableObject } from 'cloudflare:workers';
import { depsFromEnv } from '../../deps.js';
import type { Env } from '../../env.js';
import { runStoreOf, wakeRun, type RunStore } from '../../runs/run-loop.js';
import type { RunState, TaskRunSubject } from '../../runs/run-state.js';
import * as taskRun from './task-run.js';
import type { TaskRunnerRpc } from './task-runner-rpc.js';

export class TaskRunner extends DurableObject<Env> implements TaskRunnerRpc {
  private readonly store: RunStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = runStoreOf(ctx.storage);
  }

  private get deps() {
    return depsFromEnv(this.env);
  }

  start(subject: TaskRunSubject): Promise<number> {
    return taskRun.startRun(this.store, this.deps, subject);
  }

  cancelRun(reason: string): Promise<boolean> {
    return taskRun.cancelRun(this.store, this.deps, reason);
  }

  wake(): Promise<void> {
    return wakeRun(this.store);
  }

  recover(subject: TaskRunSubject, status: TaskStatus): Promise<void> {
    return taskRun.recoverRun(this.store, this.deps, subject, status);
  }

  async getState(): Promise<RunState | null> {
    return (await this.store.load()) ?? null;
  }

  completeRun(callback: TaskCallbackRequest): Promise<Outcome<{ duplicate: boolean }>> {
    return taskRun.completeRun(this.store, this.deps, callback);
  }

  override alarm(): Promise<void> {
    return taskRun.onAlarm(this.store, this.deps);
  }
}
