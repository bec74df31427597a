/**
 * What the Worker may ask of a NodeLifecycle (one Durable Object per node, named by the node id):
 * its RPC interface, which the class implements and bindings.ts types its stubs with. A node is
 * held by runs: a task's run (by task id) or a workspace created by hand (by workspace id).
 */
import type { NodeLifecycleState } from '@flotilla/contracts';
import type { Outcome } from '@flotilla/kit';

/** Why a node is destroyed: `manual` is a user's `DELETE /api/nodes/:id`; only a warm node is destroyed for `warm_timeout`. */
export type DestroyReason = 'warm_timeout' | 'max_lifetime' | 'outdated_daemon' | 'manual';

export interface NodeLifecycleRpc extends Rpc.DurableObjectBranded {
  /** The node is in use (by `holderId`): a conflict (409) when it is being destroyed or is gone. */
  markActive(nodeId: string, holderId?: string): Promise<Outcome<NodeLifecycleState>>;
  /** The node runs nothing any more: warm for `warmTimeoutMs` (default NODE_WARM_TIMEOUT_MS), 0: destroyed now; a held node stays active. */
  markIdle(nodeId: string, warmTimeoutMs?: number): Promise<NodeLifecycleState>;
  /** Claim a warm node for `holderId`; exactly one caller wins. */
  tryClaim(holderId: string): Promise<boolean>;
  /** A place on an active node for `holderId` while it has fewer than `maxWorkspaces` holders and live workspaces. */
  tryReserve(holderId: string, maxWorkspaces: number, liveWorkspaces: number): Promise<boolean>;
  /** `holderId` no longer holds the node. @returns how many holders are left */
  release(holderId: string): Promise<number>;
  /**
   * `holderId` no longer holds the node and, in the same step, the node goes warm when no holder
   * is left (as markIdle). @returns how many holders are left, and the state after
   */
  releaseAndIdle(nodeId: string, holderId: string, warmTimeoutMs?: number): Promise<{ holdersLeft: number; state: NodeLifecycleState }>;
  getStatus(): Promise<NodeLifecycleState>;
  /**
   * Destroy the node now if nothing holds it (see the class). @returns true when destroyed (or
   * already), false when in use; unavailable (503) when the provider failed (retried on the alarm)
   */
  destroyUnused(nodeId: string, reason: DestroyReason): Promise<Outcome<boolean>>;
}
