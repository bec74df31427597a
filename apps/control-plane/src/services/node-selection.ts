/**
 * Node selection for a task run (issue 6, item 2; DESIGN.md §2 `node_selection`): a warm node of
 * the same user that fits (provider, size, location, daemon version) and still sends heartbeats, claimed through
 * its NodeLifecycle `tryClaim` → an active node with room (NODE_MAX_WORKSPACES) → a new node to
 * provision.
 */
import { DEFAULT_VM_SIZE, newId, type ProviderName, type VmSize } from '@flotilla/contracts';
import { countLiveWorkspaces, insertNode } from '../db/nodes-repository.js';
import { nodeLifecycle } from '../durable-objects/node-lifecycle/node-lifecycle.js';
import type { Config, Env } from '../env.js';
import type { Logger } from '../lib/logger.js';
import { locationFor, machineTypeFor } from './providers.js';

/** Local mode has one implicit user; every node belongs to it. */
export const IMPLICIT_USER_ID = 'local';

/** What a task needs of a node. */
export interface NodeRequirements {
  taskId: string;
  userId: string;
  provider: ProviderName;
  size: VmSize;
  /**
   * The node daemon release this control plane serves (its artifact's version): only nodes
   * running it are reused. Null when it serves none (then any daemon version is reused).
   */
  daemonVersion?: string | null;
}

export type NodeSelection =
  | { kind: 'warm'; nodeId: string }
  | { kind: 'capacity'; nodeId: string }
  | { kind: 'new'; nodeId: string };

/**
 * The VM size a task runs on: the task's own, else the project's default, else the platform's
 * (`small`).
 */
export function effectiveVmSize(taskVmSize: string | null | undefined, projectVmSize: string | null | undefined): VmSize {
  return (taskVmSize ?? projectVmSize ?? DEFAULT_VM_SIZE) as VmSize;
}

/**
 * Pick the node for `req.taskId`, reusing one when possible; otherwise register a new node row
 * (status `provisioning`, id `newNodeId`) held by the task. Safe to call again for the same
 * task: a node it already holds is claimed again.
 */
export async function selectNodeForTask(env: Env, config: Config, req: NodeRequirements, newNodeId: string, log: Logger): Promise<NodeSelection> {
  const location = locationFor(env, req.provider);
  // Fits the task, and alive: a node silent past NODE_HEARTBEAT_TIMEOUT_MS is not reused (its
  // warm timeout or the sweep removes it).
  // A node running another daemon release than the one served now (after an upgrade) is not
  // reused either: the sweep destroys it when it is warm.
  const fits = 'user_id = ? AND provider = ? AND size = ? AND location IS ? AND auto_provisioned = 1 AND last_heartbeat_at >= ? AND (? IS NULL OR daemon_version = ?)';
  const aliveSince = new Date(Date.now() - config.NODE_HEARTBEAT_TIMEOUT_MS).toISOString();
  const daemonVersion = req.daemonVersion ?? null;
  const warm = await env.DB.prepare(`SELECT id FROM nodes WHERE status = 'warm' AND ${fits} ORDER BY warm_since DESC LIMIT 20`)
    .bind(req.userId, req.provider, req.size, location, aliveSince, daemonVersion, daemonVersion)
    .all<{ id: string }>();
  for (const { id } of warm.results) {
    if (await nodeLifecycle(env, id).tryClaim(req.taskId)) {
      log.info('claimed a warm node', { nodeId: id });
      return { kind: 'warm', nodeId: id };
    }
  }
  const running = await env.DB.prepare(`SELECT id FROM nodes WHERE status = 'ready' AND ${fits} ORDER BY created_at LIMIT 20`)
    .bind(req.userId, req.provider, req.size, location, aliveSince, daemonVersion, daemonVersion)
    .all<{ id: string }>();
  for (const { id } of running.results) {
    const live = await countLiveWorkspaces(env.DB, id);
    if (await nodeLifecycle(env, id).tryReserve(req.taskId, config.NODE_MAX_WORKSPACES, live)) {
      log.info('placed on a running node with room', { nodeId: id });
      return { kind: 'capacity', nodeId: id };
    }
  }
  const nodeId = newNodeId || newId('nod');
  await insertNode(env.DB, { id: nodeId, provider: req.provider, size: req.size, userId: req.userId, machineType: machineTypeFor(env, req.provider, req.size), location });
  await nodeLifecycle(env, nodeId).markActive(nodeId, req.taskId);
  return { kind: 'new', nodeId };
}
