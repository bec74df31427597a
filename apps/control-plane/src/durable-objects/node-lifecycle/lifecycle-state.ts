/**
 * The persisted state of one node's lifecycle (NodeLifecycle storage key `lifecycle`) and its
 * public view. Times are milliseconds since the epoch here, ISO strings in the view.
 */
import type { NodeLifecycleState, NodeLifecycleStatus } from '@flotilla/contracts';

export interface LifecycleRecord {
  nodeId: string | null;
  status: NodeLifecycleStatus;
  /** Tasks holding the node (a task holds it from selection until its run is cleaned up). */
  taskIds: string[];
  claimedByTask: string | null;
  warmSince: number | null;
  warmUntil: number | null;
  lastError: string | null;
}

export const LIFECYCLE_KEY = 'lifecycle';

/** A node the object has not heard of yet: active, holding nothing. */
export function emptyLifecycle(nodeId: string | null): LifecycleRecord {
  return { nodeId, status: 'active', taskIds: [], claimedByTask: null, warmSince: null, warmUntil: null, lastError: null };
}

export function toLifecycleState(record: LifecycleRecord): NodeLifecycleState {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    nodeId: record.nodeId,
    status: record.status,
    taskIds: [...record.taskIds],
    claimedByTask: record.claimedByTask,
    warmSince: iso(record.warmSince),
    warmUntil: iso(record.warmUntil),
    lastError: record.lastError,
  };
}
