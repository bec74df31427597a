/**
 * D1 bookkeeping of a node's lifecycle and its deletion through its provider (issue 6). Used by
 * the NodeLifecycle Durable Object, which decides; these functions only carry the decision out.
 */
import { getNode, setNodeStatus } from '../db/nodes-repository.js';
import type { Config, Env } from '../env.js';
import { removeNodeDnsRecord } from './node-dns.js';
import { getProvider } from './providers.js';

const now = () => new Date().toISOString();

/** D1: the node is warm since `warmSinceIso` (status `warm`). */
export async function recordNodeWarm(db: D1Database, nodeId: string, warmSinceIso: string): Promise<void> {
  await db
    .prepare("UPDATE nodes SET status = 'warm', warm_since = ?, updated_at = ? WHERE id = ? AND status IN ('ready', 'warm')")
    .bind(warmSinceIso, now(), nodeId)
    .run();
}

/** D1: a warm node is in use again (status `ready`, `warm_since` cleared). */
export async function recordNodeActive(db: D1Database, nodeId: string): Promise<void> {
  await db.prepare("UPDATE nodes SET status = 'ready', warm_since = NULL, updated_at = ? WHERE id = ? AND status = 'warm'").bind(now(), nodeId).run();
}

/**
 * Delete the node through its provider: D1 `destroying`, `provider.deleteNode` (a node the
 * provider no longer knows counts as deleted), its DNS record (node-dns.ts, when configured),
 * then D1 `destroyed` with `warm_since` cleared.
 * A node without a D1 row is only asked of nobody: there is nothing to say which provider has it.
 * @throws ProviderError or PermanentError when the provider call fails (the caller retries).
 */
export async function destroyNodeThroughProvider(env: Env, config: Config, nodeId: string): Promise<void> {
  const node = await getNode(env.DB, nodeId);
  if (!node || node.status === 'destroyed') return;
  await setNodeStatus(env.DB, nodeId, 'destroying');
  const provider = await getProvider(env, node.provider, config.OUTBOUND_REQUEST_TIMEOUT_MS, { userId: node.user_id });
  await provider.deleteNode(nodeId);
  if (node.provider !== 'local') await removeNodeDnsRecord(env, config, nodeId);
  await env.DB.prepare("UPDATE nodes SET status = 'destroyed', warm_since = NULL, updated_at = ? WHERE id = ?").bind(now(), nodeId).run();
}
