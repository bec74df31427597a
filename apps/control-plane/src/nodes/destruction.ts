/**
 * Deleting a node through its provider (issue 6): the D1 bookkeeping and the provider and DNS
 * calls. Used by the NodeLifecycle logic (lifecycle/lifecycle.ts), which decides; this only
 * carries the decision out.
 */
import type { CredentialDeps } from '../credentials/agent-keys.js';
import { markNodeHotAgentsGone } from '../hot-agents/repository.js';
import { removeNodeDnsRecord } from './dns.js';
import { getProvider } from './providers.js';
import { getNode, recordNodeDestroyed, setNodeStatus } from './repository.js';

/**
 * Delete the node through its provider: D1 `destroying`, `provider.deleteNode` (a node the
 * provider no longer knows counts as deleted), its DNS record (dns.ts, when configured),
 * then D1 `destroyed` with `warm_since` cleared.
 * A node without a D1 row is only asked of nobody: there is nothing to say which provider has it.
 * @throws ProviderError or FlotillaError when the provider call fails (the caller retries).
 */
export async function destroyNodeThroughProvider(deps: CredentialDeps, nodeId: string): Promise<void> {
  const node = await getNode(deps.db, nodeId);
  if (!node || node.status === 'destroyed') return;
  await setNodeStatus(deps.db, nodeId, 'destroying');
  const provider = await getProvider(deps, node.provider, { userId: node.user_id });
  await provider.deleteNode(nodeId);
  if (node.provider !== 'local') await removeNodeDnsRecord(deps.config, nodeId);
  await recordNodeDestroyed(deps.db, nodeId);
  // Its hot agents went with it (issue 15).
  await markNodeHotAgentsGone(deps.db, nodeId);
}
