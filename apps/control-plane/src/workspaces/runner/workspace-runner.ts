/**
 * WorkspaceRunner: one Durable Object per workspace created by hand (named by the workspace id),
 * which sets it up and deletes it. A thin adapter: its storage and alarm, the deps built from
 * Env, and the run in workspace-run.ts.
 */
import type { Outcome } from '@flotilla/kit';
import { DurableObject } from 'cloudflare:workers';
import { depsFromEnv } from '../../deps.js';
import type { Env } from '../../env.js';
import { runStoreOf, wakeRun, type RunStore } from '../../runs/run-loop.js';
import type { ManualWorkspaceSubject, RunState } from '../../runs/run-state.js';
import * as workspaceRun from './workspace-run.js';
import type { WorkspaceRunnerRpc } from './workspace-runner-rpc.js';

export class WorkspaceRunner extends DurableObject<Env> implements WorkspaceRunnerRpc {
  private readonly store: RunStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = runStoreOf(ctx.storage);
  }

  private get deps() {
    return depsFromEnv(this.env);
  }

  start(projectId: string, subject: ManualWorkspaceSubject): Promise<void> {
    return workspaceRun.startWorkspaceRun(this.store, this.deps, projectId, subject);
  }

  destroy(): Promise<Outcome<'destroyed' | 'stopping'>> {
    return workspaceRun.destroyWorkspace(this.store, this.deps);
  }

  wake(): Promise<void> {
    return wakeRun(this.store);
  }

  async getState(): Promise<RunState | null> {
    return (await this.store.load()) ?? null;
  }

  override alarm(): Promise<void> {
    return workspaceRun.onAlarm(this.store, this.deps);
  }
}
