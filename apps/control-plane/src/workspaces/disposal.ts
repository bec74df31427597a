/**
 * Getting rid of a workspace and letting its node go (DESIGN.md §2 hop 5, issue 17): the
 * workspace deleted on its node (`DELETE {node}/workspaces/:id`) and marked destroyed in D1, and
 * the node released — an auto-provisioned node with no workspace and no holder left goes warm
 * (then destroyed by its warm timeout). Used by a run's cleanup (runs/cleanup.ts), by the expiry
 * of kept workspaces (expiry.ts) and by deleting a task's workspace from the web app.
 */
import { errorMessage, type Logger } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { allowRefusal, nodeDaemonClient } from '../nodes/node-client.js';
import { getNode, type NodeRow } from '../nodes/repository.js';
import { countLiveWorkspaces, setWorkspaceStatus } from './repository.js';

/**
 * Delete workspace `workspaceId` on `node` (a 404 there: it is gone already) and mark it
 * destroyed in D1. With `bestEffort`, a node that cannot be reached (lost) is only logged — for a
 * workspace that never got a checkout, or whose node is gone; without it the failure is thrown
 * (the caller retries) and the workspace stays.
 */
export async function destroyWorkspace(deps: Deps, workspaceId: string, node: NodeRow | null, log: Logger, bestEffort = false): Promise<void> {
  if (node?.url) {
    try {
      await allowRefusal(nodeDaemonClient(deps, { id: node.id, url: node.url }).deleteWorkspace({ params: { workspaceId } }), [404]);
    } catch (error) {
      if (!bestEffort) throw error;
      log.warn('could not delete the workspace on its node; marked destroyed anyway', { workspaceId, nodeId: node.id, error: errorMessage(error) });
    }
  }
  await setWorkspaceStatus(deps.db, workspaceId, 'destroyed');
  log.info('workspace destroyed', { workspaceId, nodeId: node?.id ?? null });
}

/**
 * `holderId` (a run's holder id; '' for none) no longer holds `node`; an auto-provisioned node
 * with no workspace and no holder left goes warm. The workspaces are counted first; then
 * NodeLifecycle `releaseAndIdle` drops the holder and decides in one step, so a run that reserves
 * the node meanwhile (`tryReserve`) is seen there as a holder and keeps it active.
 */
export async function releaseNodeIfIdle(deps: Deps, node: NodeRow | null, holderId: string, log: Logger): Promise<void> {
  if (!node) return;
  const lifecycle = deps.stubs.nodeLifecycle(node.id);
  if (!node.auto_provisioned || (await countLiveWorkspaces(deps.db, node.id)) > 0) {
    await lifecycle.release(holderId);
    return;
  }
  const { holdersLeft, state: after } = await lifecycle.releaseAndIdle(node.id, holderId);
  if (holdersLeft > 0) return;
  // `destroying`/`destroyed`: the sweep got there first, and nothing is left to release.
  log.info(after.status === 'warm' ? 'node warm: no workspace left on it' : 'node not marked warm', { nodeId: node.id, status: after.status });
}

/** {@link destroyWorkspace} then {@link releaseNodeIfIdle}, for a workspace on node `nodeId` that nothing holds. */
export async function destroyWorkspaceAndRelease(deps: Deps, workspaceId: string, nodeId: string, log: Logger): Promise<void> {
  const node = await getNode(deps.db, nodeId);
  await destroyWorkspace(deps, workspaceId, node, log, node?.status === 'destroyed' || node?.status === 'error');
  await releaseNodeIfIdle(deps, node, '', log);
}
