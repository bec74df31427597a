/**
 * The persisted state of one node's lifecycle (NodeLifecycle storage key `lifecycle`), its
 * public view, and the storage it lives in as the lifecycle logic sees it. Times are
 * milliseconds since the epoch here, ISO strings in the view.
 */
import type { NodeLifecycleState, NodeLifecycleStatus } from '@flotilla/contracts';

export interface LifecycleRecord {
  nodeId: string | null;
  status: NodeLifecycleStatus;
  /**
   * Who holds the node: a task's run (task id) or a workspace created by hand (workspace id),
   * from node selection until the run's cleanup.
   */
  holderIds: string[];
  /** The holder that claimed the node out of the warm pool last. */
  claimedBy: string | null;
  warmSince: number | null;
  warmUntil: number | null;
  lastError: string | null;
}

/** A record as stored before holders were named so (`taskIds`, `claimedByTask`). */
type StoredRecord = Partial<LifecycleRecord> & Pick<LifecycleRecord, 'status'> & { taskIds?: string[]; claimedByTask?: string | null };

export const LIFECYCLE_KEY = 'lifecycle';

/** The Durable Object storage of one node's lifecycle. */
export interface LifecycleStore {
  load(): Promise<LifecycleRecord | undefined>;
  save(record: LifecycleRecord): Promise<void>;
  /** Schedule the alarm at `atMs` (ms since the epoch), replacing any other. */
  setAlarm(atMs: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** A record as this version keeps it, from one stored by any version. */
function upgrade(stored: StoredRecord): LifecycleRecord {
  return {
    nodeId: stored.nodeId ?? null,
    status: stored.status,
    holderIds: stored.holderIds ?? stored.taskIds ?? [],
    claimedBy: stored.claimedBy ?? stored.claimedByTask ?? null,
    warmSince: stored.warmSince ?? null,
    warmUntil: stored.warmUntil ?? null,
    lastError: stored.lastError ?? null,
  };
}

/** The lifecycle store over a Durable Object's storage. */
export function lifecycleStoreOf(storage: DurableObjectStorage): LifecycleStore {
  return {
    load: async () => {
      const stored = await storage.get<StoredRecord>(LIFECYCLE_KEY);
      return stored ? upgrade(stored) : undefined;
    },
    save: (record) => storage.put(LIFECYCLE_KEY, record),
    setAlarm: (atMs) => storage.setAlarm(atMs),
    deleteAlarm: () => storage.deleteAlarm(),
  };
}

/** A node the object has not heard of yet: active, holding nothing. */
export function emptyLifecycle(nodeId: string | null): LifecycleRecord {
  return { nodeId, status: 'active', holderIds: [], claimedBy: null, warmSince: null, warmUntil: null, lastError: null };
}

/** The public view of a record (`NodeLifecycle.getStatus()`). */
export function toLifecycleState(record: LifecycleRecord): NodeLifecycleState {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    nodeId: record.nodeId,
    status: record.status,
    holderIds: [...record.holderIds],
    claimedBy: record.claimedBy,
    warmSince: iso(record.warmSince),
    warmUntil: iso(record.warmUntil),
    lastError: record.lastError,
  };
}
