/**
 * The decisions of one node's lifecycle (issue 6, DESIGN.md §3–4): who may use the node and when
 * it goes away. `active` nodes run their holders' workspaces; an idle auto-provisioned node is
 * `warm` until a run claims it or its alarm (NODE_WARM_TIMEOUT_MS) fires and destroys it through
 * its provider (retried every NODE_DESTROY_RETRY_MS on failure). The NodeLifecycle Durable Object
 * (node-lifecycle.ts) is a thin adapter over these functions.
 *
 * Atomicity: every decision reads and writes only the object's storage before any outside I/O
 * (D1, provider), so the runtime's input gates let no other call interleave — of twenty
 * concurrent `tryClaim` calls on a warm node exactly one wins. D1 `nodes.status`/`warm_since`
 * follow the decision afterwards.
 */
import type { NodeLifecycleState } from '@flotilla/contracts';
import { conflict, errorMessage, fail, succeed, transientFailure, type Outcome } from '@flotilla/kit';
import type { Deps } from '../../deps.js';
import { destroyNodeThroughProvider } from '../destruction.js';
import { recordNodeActive, recordNodeWarm } from '../repository.js';
import type { DestroyReason } from './node-lifecycle-rpc.js';
import { emptyLifecycle, toLifecycleState, type LifecycleRecord, type LifecycleStore } from './lifecycle-state.js';

export type LifecycleDeps = Pick<Deps, 'db' | 'config' | 'log'>;

/** The stored record; a first call learns the node id from its caller when given. */
async function load(store: LifecycleStore, nodeId: string | null): Promise<LifecycleRecord> {
  const stored = await store.load();
  if (stored) return !stored.nodeId && nodeId ? { ...stored, nodeId } : stored;
  return emptyLifecycle(nodeId);
}

const logOf = (deps: LifecycleDeps) => deps.log.child({ component: 'node-lifecycle' });

/**
 * The node is (again) in use, by `holderId` when given: status active, warm timer cancelled, D1
 * `warm_since` cleared. Called when a new node is registered for a run.
 * @returns the new state, or a conflict (409) when the node is being destroyed or is gone
 */
export async function markActive(store: LifecycleStore, deps: LifecycleDeps, nodeId: string, holderId?: string): Promise<Outcome<NodeLifecycleState>> {
  const record = await load(store, nodeId);
  if (record.status === 'destroying' || record.status === 'destroyed') return fail(conflict(`node ${nodeId} is ${record.status}`));
  const wasWarm = record.status === 'warm';
  const holderIds = holderId && !record.holderIds.includes(holderId) ? [...record.holderIds, holderId] : record.holderIds;
  const next: LifecycleRecord = { ...record, status: 'active', holderIds, warmSince: null, warmUntil: null };
  await store.save(next);
  await store.deleteAlarm();
  if (wasWarm) await recordNodeActive(deps.db, nodeId);
  return succeed(toLifecycleState(next));
}

/**
 * The node runs nothing any more: status warm, alarm at now + `warmTimeoutMs` (default
 * NODE_WARM_TIMEOUT_MS), D1 status `warm` with `warm_since`. Again while warm resets the timer.
 * A timeout of 0 means no warm pool: the node is destroyed at once (a failed deletion is
 * retried on the alarm). A node being destroyed, or gone, stays so; a node someone still holds
 * (a `tryReserve` that came after its last holder left) stays active: the answer shows it.
 */
export async function markIdle(store: LifecycleStore, deps: LifecycleDeps, nodeId: string, warmTimeoutMs?: number): Promise<NodeLifecycleState> {
  return goIdle(store, deps, await load(store, nodeId), nodeId, warmTimeoutMs);
}

/**
 * `holderId` no longer holds the node and — in the same step, with no other call in between —
 * when no holder is left the node goes warm as by {@link markIdle}. The caller decides first
 * (outside) that the node may go warm at all: auto-provisioned, with no workspace left in D1; a
 * workspace is only made by a holder, so one made since is seen here as its holder.
 * @returns how many holders are left, and the node's state after
 */
export async function releaseAndIdle(
  store: LifecycleStore,
  deps: LifecycleDeps,
  nodeId: string,
  holderId: string,
  warmTimeoutMs?: number,
): Promise<{ holdersLeft: number; state: NodeLifecycleState }> {
  const record = await load(store, nodeId);
  const released: LifecycleRecord = { ...record, holderIds: record.holderIds.filter((id) => id !== holderId) };
  if (released.holderIds.length > 0) {
    if (released.holderIds.length !== record.holderIds.length) await store.save(released);
    return { holdersLeft: released.holderIds.length, state: toLifecycleState(released) };
  }
  return { holdersLeft: 0, state: await goIdle(store, deps, released, nodeId, warmTimeoutMs) };
}

/** {@link markIdle} on `record`, as loaded by the caller in this same step. */
async function goIdle(store: LifecycleStore, deps: LifecycleDeps, record: LifecycleRecord, nodeId: string, warmTimeoutMs?: number): Promise<NodeLifecycleState> {
  if (record.status === 'destroying' || record.status === 'destroyed') {
    logOf(deps).warn('node not marked warm: it is being destroyed', { nodeId, status: record.status });
    return toLifecycleState(record);
  }
  if (record.status === 'active' && record.holderIds.length > 0) {
    logOf(deps).info('node not marked warm: it is held', { nodeId, holderIds: record.holderIds });
    return toLifecycleState(record);
  }
  const now = Date.now();
  const timeoutMs = warmTimeoutMs ?? deps.config.NODE_WARM_TIMEOUT_MS;
  const warmUntil = now + timeoutMs;
  const next: LifecycleRecord = { ...record, status: 'warm', holderIds: [], warmSince: now, warmUntil };
  await store.save(next);
  if (timeoutMs === 0) {
    await destroy(store, deps, next, 'warm_timeout').catch(() => undefined); // logged; retried on the alarm
    return toLifecycleState((await store.load()) ?? next);
  }
  await store.setAlarm(warmUntil);
  await recordNodeWarm(deps.db, nodeId, new Date(now).toISOString());
  logOf(deps).info('node warm', { nodeId, warmUntil: new Date(warmUntil).toISOString() });
  return toLifecycleState(next);
}

/**
 * Claim a warm node for `holderId`. Exactly one caller wins a warm node: it becomes active
 * (alarm cancelled, D1 `ready` with `warm_since` cleared). True also when `holderId` already
 * holds it (a repeated call); false for any other state, with no side effect.
 */
export async function tryClaim(store: LifecycleStore, deps: LifecycleDeps, holderId: string): Promise<boolean> {
  const record = await load(store, null);
  if (record.status === 'active' && record.holderIds.includes(holderId)) return true;
  if (record.status !== 'warm' || !record.nodeId) return false;
  await store.save({ ...record, status: 'active', holderIds: [holderId], claimedBy: holderId, warmSince: null, warmUntil: null });
  await store.deleteAlarm();
  await recordNodeActive(deps.db, record.nodeId);
  logOf(deps).info('warm node claimed', { nodeId: record.nodeId, holderId });
  return true;
}

/**
 * Take a place on an active node for `holderId` when it has room: fewer than `maxWorkspaces`
 * holders and live workspaces (`liveWorkspaces`, counted in D1 by the caller).
 */
export async function tryReserve(store: LifecycleStore, holderId: string, maxWorkspaces: number, liveWorkspaces: number): Promise<boolean> {
  const record = await load(store, null);
  if (record.status !== 'active') return false;
  if (record.holderIds.includes(holderId)) return true;
  if (Math.max(record.holderIds.length, liveWorkspaces) >= maxWorkspaces) return false;
  await store.save({ ...record, holderIds: [...record.holderIds, holderId] });
  return true;
}

/** `holderId` no longer holds the node (its run ended). @returns how many holders are left */
export async function release(store: LifecycleStore, holderId: string): Promise<number> {
  const record = await load(store, null);
  const holderIds = record.holderIds.filter((id) => id !== holderId);
  if (holderIds.length !== record.holderIds.length) await store.save({ ...record, holderIds });
  return holderIds.length;
}

/** The node's lifecycle as its public view. */
export async function getStatus(store: LifecycleStore): Promise<NodeLifecycleState> {
  return toLifecycleState(await load(store, null));
}

/**
 * Destroy the node now, for the sweep or a user. `warm_timeout` and `outdated_daemon` destroy
 * only a warm node; `max_lifetime` and `manual` also an active one that nothing holds.
 * @returns false (and does nothing) when the node is in use, true when it is destroyed or was
 *   already; unavailable (503, retryable) when the provider failed — retried on the alarm
 */
export async function destroyUnused(store: LifecycleStore, deps: LifecycleDeps, nodeId: string, reason: DestroyReason): Promise<Outcome<boolean>> {
  const record = await load(store, nodeId);
  if (record.status === 'destroyed') return succeed(true);
  const evenIfActive = reason === 'max_lifetime' || reason === 'manual';
  if (record.status === 'active' && (!evenIfActive || record.holderIds.length > 0)) return succeed(false);
  try {
    await destroy(store, deps, record, reason);
  } catch (error) {
    return fail(transientFailure(errorMessage(error), error));
  }
  return succeed(true);
}

/** The alarm: a warm node past its time is destroyed; a failed destruction is tried again. */
export async function onAlarm(store: LifecycleStore, deps: LifecycleDeps): Promise<void> {
  const record = await load(store, null);
  if (record.status === 'active' || record.status === 'destroyed') return; // claimed meanwhile, or done
  if (record.status === 'warm' && record.warmUntil !== null && Date.now() < record.warmUntil) {
    await store.setAlarm(record.warmUntil);
    return;
  }
  try {
    await destroy(store, deps, record, 'warm_timeout');
  } catch {
    // logged by destroy; the retry alarm is set
  }
}

/** Destroy the node through its provider. @throws the provider's failure, after setting the retry alarm */
async function destroy(store: LifecycleStore, deps: LifecycleDeps, record: LifecycleRecord, reason: DestroyReason): Promise<void> {
  const nodeId = record.nodeId;
  if (!nodeId) return;
  await store.save({ ...record, status: 'destroying', holderIds: [] });
  try {
    await destroyNodeThroughProvider(deps, nodeId);
  } catch (error) {
    const message = errorMessage(error);
    logOf(deps).warn('node destruction failed, will retry', { nodeId, reason, retryInMs: deps.config.NODE_DESTROY_RETRY_MS, error: message });
    await store.save({ ...record, status: 'destroying', holderIds: [], lastError: message });
    await store.setAlarm(Date.now() + deps.config.NODE_DESTROY_RETRY_MS);
    throw error;
  }
  await store.save({ ...record, status: 'destroyed', holderIds: [], warmUntil: null, lastError: null });
  await store.deleteAlarm();
  logOf(deps).info('node destroyed', { nodeId, reason });
}
