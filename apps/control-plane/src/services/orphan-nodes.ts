/**
 * Orphaned cloud servers (issue 6: "no node may ever be orphaned"): a server a provider lists as
 * Flotilla's (Hetzner: label `managed-by=flotilla`) whose node the control plane does not know,
 * or knows as destroyed — a create whose D1 row was lost, a delete that never reached the cloud —
 * is deleted by the node sweep once it is older than ORPHAN_NODE_GRACE_MS, so a create still in
 * flight is never touched. Runs for every user with saved credentials of a provider that lists.
 */
import type { NodeSweepResult } from '@flotilla/contracts';
import type { Config, Env } from '../env.js';
import { errorMessage, type Logger } from '../lib/logger.js';
import { getProvider } from './providers.js';

/** Delete orphaned servers; adds what it deleted, and what it could not, to `result`. */
export async function deleteOrphanedNodes(env: Env, config: Config, nowMs: number, result: NodeSweepResult, log: Logger): Promise<void> {
  const { results: accounts } = await env.DB.prepare("SELECT user_id, name FROM credentials WHERE kind = 'cloud' ORDER BY user_id, name").all<{ user_id: string; name: string }>();
  for (const account of accounts) {
    let listed;
    try {
      const provider = await getProvider(env, account.name, config.OUTBOUND_REQUEST_TIMEOUT_MS, { userId: account.user_id });
      if (!provider.listNodes) continue;
      listed = { provider, nodes: await provider.listNodes() };
    } catch (error) {
      log.warn('could not list cloud nodes; going on', { provider: account.name, error: errorMessage(error) });
      continue;
    }
    for (const node of listed.nodes) {
      const createdMs = node.createdAt ? Date.parse(node.createdAt) : Number.NaN;
      if (!Number.isFinite(createdMs) || nowMs - createdMs < config.ORPHAN_NODE_GRACE_MS) continue;
      const row = await env.DB.prepare('SELECT status FROM nodes WHERE id = ?').bind(node.nodeId).first<{ status: string }>();
      if (row && row.status !== 'destroyed') continue;
      try {
        await listed.provider.deleteNode(node.nodeId);
        result.destroyed.push({ nodeId: node.nodeId, reason: 'orphaned' });
        log.info('orphaned cloud node deleted', { nodeId: node.nodeId, provider: account.name, known: row !== null });
      } catch (error) {
        result.failed.push({ nodeId: node.nodeId, error: errorMessage(error) });
        log.warn('could not delete an orphaned cloud node; going on', { nodeId: node.nodeId, error: errorMessage(error) });
      }
    }
  }
}
