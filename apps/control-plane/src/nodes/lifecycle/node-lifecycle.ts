/**
 * NodeLifecycle: one Durable Object per node (named by node id) that decides who may use the
 * node and when it goes away. A thin adapter: its storage and alarm, the deps built from Env,
 * and the decisions in lifecycle.ts.
 */
import type { NodeLifecycleState } from '@flotilla/contracts';
import type { Outcome } from '@flotilla/kit';
import { DurableObject } from 'cloudflare:workers';
import { depsFromEnv } from '../../deps.js';
import type { Env } from '../../env.js';
import * as lifecycle from './lifecycle.js';
import { lifecycleStoreOf, type LifecycleStore } from './lifecycle-state.js';
import type { DestroyReason, NodeLifecycleRpc } from './node-lifecycle-rpc.js';

export class NodeLifecycle extends DurableObject<Env> implements NodeLifecycleRpc {
  private readonly store: LifecycleStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = lifecycleStoreOf(ctx.storage);
  }

  private get deps() {
    return depsFromEnv(this.env);
  }

  markActive(nodeId: string, holderId?: string): Promise<Outcome<NodeLifecycleState>> {
    return lifecycle.markActive(this.store, this.deps, nodeId, holderId);
  }

  markIdle(nodeId: string, warmTimeoutMs?: number): Promise<NodeLifecycleState> {
    return lifecycle.markIdle(this.store, this.deps, nodeId, warmTimeoutMs);
  }

  tryClaim(holderId: string): Promise<boolean> {
    return lifecycle.tryClaim(this.store, this.deps, holderId);
  }

  tryReserve(holderId: string, maxWorkspaces: number, liveWorkspaces: number): Promise<boolean> {
    return lifecycle.tryReserve(this.store, holderId, maxWorkspaces, liveWorkspaces);
  }

  release(holderId: string): Promise<number> {
    return lifecycle.release(this.store, holderId);
  }

  releaseAndIdle(nodeId: string, holderId: string, warmTimeoutMs?: number): Promise<{ holdersLeft: number; state: NodeLifecycleState }> {
    return lifecycle.releaseAndIdle(this.store, this.deps, nodeId, holderId, warmTimeoutMs);
  }

  getStatus(): Promise<NodeLifecycleState> {
    return lifecycle.getStatus(this.store);
  }

  destroyUnused(nodeId: string, reason: DestroyReason): Promise<Outcome<boolean>> {
    return lifecycle.destroyUnused(this.store, this.deps, nodeId, reason);
  }

  override alarm(): Promise<void> {
    return lifecycle.onAlarm(this.store, this.deps);
  }
}
