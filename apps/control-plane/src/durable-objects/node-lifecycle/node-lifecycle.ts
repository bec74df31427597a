/**
 * NodeLifecycle: one Durable Object per node (named by node id) that decides who may use the
 * node and when it goes away (issue 6, DESIGN.md §3–4). `active` nodes run tasks; an idle
 * auto-provisioned node is `warm` until a task claims it or its alarm (NODE_WARM_TIMEOUT_MS)
 * fires and destroys it through its provider (retried every NODE_DESTROY_RETRY_MS on failure).
 *
 * Atomicity: every decision reads and writes only this object's storage before any outside I/O
 * (D1, provider), so the runtime's input gates let no other call interleave — of twenty
 * concurrent `tryClaim` calls on a warm node exactly one wins. D1 `nodes.status`/`warm_since`
 * follow the decision afterwards.
 */
import { DurableObject } from 'cloudflare:workers';
import type { NodeLifecycleState } from '@flotilla/contracts';
import { readConfig, type Env } from '../../env.js';
import { conflict } from '../../lib/errors.js';
import { createLogger, errorMessage } from '../../lib/logger.js';
import { destroyNodeThroughProvider, recordNodeActive, recordNodeWarm } from '../../services/node-destruction.js';
import { LIFECYCLE_KEY, emptyLifecycle, toLifecycleState, type LifecycleRecord } from './lifecycle-state.js';

/** Why a node is destroyed; only a warm node is destroyed for `warm_timeout`. */
/** Why a node is destroyed: `manual` is a user's `DELETE /api/nodes/:id`. */
export type DestroyReason = 'warm_timeout' | 'max_lifetime' | 'outdated_daemon' | 'manual';

export class NodeLifecycle extends DurableObject<Env> {
  private readonly log = createLogger('node-lifecycle');

  /**
   * The node is (again) in use by `taskId` (optional): status active, warm timer cancelled,
   * D1 `warm_since` cleared. Called when a new node is registered for a task.
   * @throws HttpError conflict when the node is being destroyed or is gone.
   */
  async markActive(nodeId: string, taskId?: string): Promise<NodeLifecycleState> {
    const record = await this.load(nodeId);
    if (record.status === 'destroying' || record.status === 'destroyed') throw conflict(`node ${nodeId} is ${record.status}`);
    const wasWarm = record.status === 'warm';
    const taskIds = taskId && !record.taskIds.includes(taskId) ? [...record.taskIds, taskId] : record.taskIds;
    const next: LifecycleRecord = { ...record, status: 'active', taskIds, warmSince: null, warmUntil: null };
    await this.save(next);
    await this.ctx.storage.deleteAlarm();
    if (wasWarm) await recordNodeActive(this.env.DB, nodeId);
    return toLifecycleState(next);
  }

  /**
   * The node runs nothing any more: status warm, alarm at now + `warmTimeoutMs` (default
   * NODE_WARM_TIMEOUT_MS), D1 status `warm` with `warm_since`. Again while warm resets the timer.
   * A timeout of 0 means no warm pool: the node is destroyed at once (a failed deletion is
   * retried on the alarm). A node being destroyed, or gone, stays so: the answer shows it (an
   * answer rather than an error, since errors lose their class across RPC).
   */
  async markIdle(nodeId: string, warmTimeoutMs?: number): Promise<NodeLifecycleState> {
    const record = await this.load(nodeId);
    if (record.status === 'destroying' || record.status === 'destroyed') {
      this.log.warn('node not marked warm: it is being destroyed', { nodeId, status: record.status });
      return toLifecycleState(record);
    }
    const now = Date.now();
    const timeoutMs = warmTimeoutMs ?? readConfig(this.env).NODE_WARM_TIMEOUT_MS;
    const warmUntil = now + timeoutMs;
    const next: LifecycleRecord = { ...record, status: 'warm', taskIds: [], warmSince: now, warmUntil };
    await this.save(next);
    if (timeoutMs === 0) {
      await this.destroy(next, 'warm_timeout').catch(() => undefined); // logged; retried on the alarm
      return toLifecycleState((await this.ctx.storage.get<LifecycleRecord>(LIFECYCLE_KEY)) ?? next);
    }
    await this.ctx.storage.setAlarm(warmUntil);
    await recordNodeWarm(this.env.DB, nodeId, new Date(now).toISOString());
    this.log.info('node warm', { nodeId, warmUntil: new Date(warmUntil).toISOString() });
    return toLifecycleState(next);
  }

  /**
   * Claim a warm node for `taskId`. Exactly one caller wins a warm node: it becomes active
   * (alarm cancelled, D1 `ready` with `warm_since` cleared). True also when `taskId` already
   * holds it (a repeated call); false for any other state, with no side effect.
   */
  async tryClaim(taskId: string): Promise<boolean> {
    const record = await this.load(null);
    if (record.status === 'active' && record.taskIds.includes(taskId)) return true;
    if (record.status !== 'warm' || !record.nodeId) return false;
    await this.save({ ...record, status: 'active', taskIds: [taskId], claimedByTask: taskId, warmSince: null, warmUntil: null });
    await this.ctx.storage.deleteAlarm();
    await recordNodeActive(this.env.DB, record.nodeId);
    this.log.info('warm node claimed', { nodeId: record.nodeId, taskId });
    return true;
  }

  /**
   * Take a place on an active node for `taskId` when it has room: fewer than `maxWorkspaces`
   * tasks and live workspaces (`liveWorkspaces`, counted in D1 by the caller).
   */
  async tryReserve(taskId: string, maxWorkspaces: number, liveWorkspaces: number): Promise<boolean> {
    const record = await this.load(null);
    if (record.status !== 'active') return false;
    if (record.taskIds.includes(taskId)) return true;
    if (Math.max(record.taskIds.length, liveWorkspaces) >= maxWorkspaces) return false;
    await this.save({ ...record, taskIds: [...record.taskIds, taskId] });
    return true;
  }

  /** `taskId` no longer holds the node (its run ended). Answers how many tasks still do. */
  async release(taskId: string): Promise<number> {
    const record = await this.load(null);
    const taskIds = record.taskIds.filter((id) => id !== taskId);
    if (taskIds.length !== record.taskIds.length) await this.save({ ...record, taskIds });
    return taskIds.length;
  }

  async getStatus(): Promise<NodeLifecycleState> {
    return toLifecycleState(await this.load(null));
  }

  /**
   * Destroy the node now, for the sweep or a user. `warm_timeout` and `outdated_daemon` destroy
   * only a warm node; `max_lifetime` and `manual` also an active one that no task holds. Answers
   * false (and does nothing) when the node is in use, true when it is destroyed or was already.
   * @throws when the provider fails (the object retries on its alarm).
   */
  async destroyUnused(nodeId: string, reason: DestroyReason): Promise<boolean> {
    const record = await this.load(nodeId);
    if (record.status === 'destroyed') return true;
    const evenIfActive = reason === 'max_lifetime' || reason === 'manual';
    if (record.status === 'active' && (!evenIfActive || record.taskIds.length > 0)) return false;
    await this.destroy(record, reason);
    return true;
  }

  override async alarm(): Promise<void> {
    const record = await this.load(null);
    if (record.status === 'active' || record.status === 'destroyed') return; // claimed meanwhile, or done
    if (record.status === 'warm' && record.warmUntil !== null && Date.now() < record.warmUntil) {
      await this.ctx.storage.setAlarm(record.warmUntil);
      return;
    }
    try {
      await this.destroy(record, 'warm_timeout');
    } catch {
      // logged by destroy; the retry alarm is set
    }
  }

  private async destroy(record: LifecycleRecord, reason: DestroyReason): Promise<void> {
    const nodeId = record.nodeId;
    if (!nodeId) return;
    await this.save({ ...record, status: 'destroying', taskIds: [] });
    const config = readConfig(this.env);
    try {
      await destroyNodeThroughProvider(this.env, config, nodeId);
    } catch (error) {
      const message = errorMessage(error);
      this.log.warn('node destruction failed, will retry', { nodeId, reason, retryInMs: config.NODE_DESTROY_RETRY_MS, error: message });
      await this.save({ ...record, status: 'destroying', taskIds: [], lastError: message });
      await this.ctx.storage.setAlarm(Date.now() + config.NODE_DESTROY_RETRY_MS);
      throw error;
    }
    await this.save({ ...record, status: 'destroyed', taskIds: [], warmUntil: null, lastError: null });
    await this.ctx.storage.deleteAlarm();
    this.log.info('node destroyed', { nodeId, reason });
  }

  /** The stored record; a first call learns the node id from D1's row when not given. */
  private async load(nodeId: string | null): Promise<LifecycleRecord> {
    const stored = await this.ctx.storage.get<LifecycleRecord>(LIFECYCLE_KEY);
    if (stored) {
      if (!stored.nodeId && nodeId) return { ...stored, nodeId };
      return stored;
    }
    return emptyLifecycle(nodeId);
  }

  private async save(record: LifecycleRecord): Promise<void> {
    await this.ctx.storage.put(LIFECYCLE_KEY, record);
  }
}

/** The NodeLifecycle stub of `nodeId`. */
export function nodeLifecycle(env: Env, nodeId: string) {
  return env.NODE_LIFECYCLE.get(env.NODE_LIFECYCLE.idFromName(nodeId));
}
