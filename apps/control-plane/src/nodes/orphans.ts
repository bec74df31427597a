/**
 * Orphaned cloud servers (issue 6: "no node may ever be orphaned"): a server a provider lists as
 * this deployment's (Hetzner: labels `managed-by=flotilla` and `flotilla-deployment=<this
 * deployment's id>`, deployment.ts — never another deployment's in the same cloud project, nor
 * anyone else's) whose node the control plane does not know,
 * or knows as destroyed — a create whose D1 row was lost, a delete that never reached the cloud —
 * is deleted by the node sweep once it is older than ORPHAN_NODE_GRACE_MS, so a create still in
 * flight is never touched. Runs for every user with saved credentials of a provider that lists.
 */
import type { NodeSweepResult } from '@flotilla/contracts';
import { errorMessage, type Logger } from '@flotilla/kit';
import type { CredentialDeps } from '../credentials/agent-keys.js';
import { listCloudAccounts } from '../credentials/repository.js';
import { getProvider } from './providers.js';
import { getNode } from './repository.js';

/**
 * Delete orphaned servers; adds what it deleted, and what it could not, to `result`. Never throws.
 * @param nowMs the sweep's clock, ms since the epoch
 */
export async function deleteOrphanedNodes(deps: CredentialDeps, nowMs: number, result: NodeSweepResult, log: Logger): Promise<void> {
  for (const account of await listCloudAccounts(deps.db)) {
    let listed;
    try {
      const provider = await getProvider(deps, account.provider, { userId: account.userId });
      if (!provider.listNodes) continue;
      listed = { provider, nodes: await provider.listNodes() };
    } catch (error) {
      log.warn('could not list cloud nodes; going on', { provider: account.provider, error: errorMessage(error) });
      continue;
    }
    for (const node of listed.nodes) {
      const createdMs = node.createdAt ? Date.parse(node.createdAt) : Number.NaN;
      if (!Number.isFinite(createdMs) || nowMs - createdMs < deps.config.ORPHAN_NODE_GRACE_MS) continue;
      const known = await getNode(deps.db, node.nodeId);
      if (known && known.status !== 'destroyed') continue;
      try {
        await listed.provider.deleteNode(node.nodeId);
        result.destroyed.push({ nodeId: node.nodeId, reason: 'orphaned' });
        log.info('orphaned cloud node deleted', { nodeId: node.nodeId, provider: account.provider, known: known !== null });
      } catch (error) {
        result.failed.push({ nodeId: node.nodeId, error: errorMessage(error) });
        log.warn('could not delete an orphaned cloud node; going on', { nodeId: node.nodeId, error: errorMessage(error) });
      }
    }
  }
}
