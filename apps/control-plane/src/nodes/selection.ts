/**
 * Node selection for a run (issue 6, item 2; DESIGN.md §2 `node_selection`): a warm node of the
 * same user that fits (provider, size, location, daemon version) and still sends heartbeats,
 * claimed through its NodeLifecycle `tryClaim` → an active node with room (NODE_MAX_WORKSPACES)
 * → a new node to provision. The node is held by the run's holder (a task id, or the id of a
 * workspace created by hand) until the run's cleanup releases it.
 */
import { DEFAULT_VM_SIZE, newId, type ProviderName, type VmSize } from '@flotilla/contracts';
import { unwrap, type Logger } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { listNodesKeepingHotAgents } from '../hot-agents/repository.js';
import { countLiveWorkspaces } from '../workspaces/repository.js';
import { locationFor, machineTypeFor } from './providers.js';
import { insertNode, listActiveNodesFitting, listWarmNodesFitting } from './repository.js';

/** What a run needs of a node. */
export interface NodeRequirements {
  /** Who will hold the node: a task id, or the id of a workspace created by hand. */
  holderId: string;
  userId: string;
  provider: ProviderName;
  size: VmSize;
  /**
   * The node daemon release this control plane serves (its artifact's version): only nodes
   * running it are reused. Null when it serves none (then any daemon version is reused).
   */
  daemonVersion?: string | null;
}

export type NodeSelection = { kind: 'warm'; nodeId: string } | { kind: 'capacity'; nodeId: string } | { kind: 'new'; nodeId: string };

/** The VM size a task runs on: the task's own, else the project's default, else the platform's (`small`). */
export function effectiveVmSize(taskVmSize: string | null | undefined, projectVmSize: string | null | undefined): VmSize {
  return (taskVmSize ?? projectVmSize ?? DEFAULT_VM_SIZE) as VmSize;
}

/**
 * Pick the node for `req.holderId`, reusing one when possible; otherwise register a new node row
 * (status `provisioning`, id `newNodeId`) held by it. Safe to call again for the same holder: a
 * node it already holds is claimed again.
 * @throws FlotillaError conflict (409, not retryable) when the new node's lifecycle refuses it
 *   (it is being destroyed or gone); permanentFailure for a provider without the settings
 */
export async function selectNode(deps: Pick<Deps, 'db' | 'config' | 'stubs'>, req: NodeRequirements, newNodeId: string, log: Logger): Promise<NodeSelection> {
  const { db, config, stubs } = deps;
  const location = locationFor(config, req.provider);
  // Fits the run, and alive: a node silent past NODE_HEARTBEAT_TIMEOUT_MS is not reused (its
  // warm timeout or the sweep removes it). A node running another daemon release than the one
  // served now (after an upgrade) is not reused either: the sweep destroys it when it is warm.
  const fit = {
    userId: req.userId,
    provider: req.provider,
    size: req.size,
    location,
    aliveSince: new Date(Date.now() - config.NODE_HEARTBEAT_TIMEOUT_MS).toISOString(),
    daemonVersion: req.daemonVersion ?? null,
  };
  // A warm node keeping hot agents is theirs: their tasks claim it through them (hot-agents/claim.ts).
  const [kept, warm] = await Promise.all([listNodesKeepingHotAgents(db, new Date(Date.now() - config.STEP_NODE_SELECTION_TIMEOUT_MS).toISOString()), listWarmNodesFitting(db, fit)]);
  const keptForHotAgents = new Set(kept);
  for (const id of warm.filter((warmId) => !keptForHotAgents.has(warmId))) {
    if (await stubs.nodeLifecycle(id).tryClaim(req.holderId)) {
      log.info('claimed a warm node', { nodeId: id });
      return { kind: 'warm', nodeId: id };
    }
  }
  for (const id of await listActiveNodesFitting(db, fit)) {
    const live = await countLiveWorkspaces(db, id);
    if (await stubs.nodeLifecycle(id).tryReserve(req.holderId, config.NODE_MAX_WORKSPACES, live)) {
      log.info('placed on a running node with room', { nodeId: id });
      return { kind: 'capacity', nodeId: id };
    }
  }
  const nodeId = newNodeId || newId('nod');
  await insertNode(db, { id: nodeId, provider: req.provider, size: req.size, userId: req.userId, machineType: machineTypeFor(config, req.provider, req.size), location });
  // Its lifecycle answers a conflict as data (an error would lose its class across the call).
  unwrap(await stubs.nodeLifecycle(nodeId).markActive(nodeId, req.holderId));
  return { kind: 'new', nodeId };
}
