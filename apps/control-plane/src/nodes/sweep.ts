/**
 * The node sweep (issue 6, item 4): the safety net behind NodeLifecycle alarms, run by the cron
 * every 15 minutes and locally by `POST /api/nodes/sweep`. It destroys
 * - warm nodes past NODE_WARM_TIMEOUT_MS + NODE_WARM_SWEEP_GRACE_MS with no workspace left
 *   (their alarm was lost), and
 * - auto-provisioned nodes older than MAX_AUTO_NODE_LIFETIME_MS that run no task, and
 * - warm nodes running another daemon release than the one this control plane serves (after an
 *   upgrade; node selection never reuses them), and
 * - cloud servers of Flotilla's that no live node accounts for (orphans.ts), and their DNS
 *   records (dns.ts).
 * First it deletes the kept workspaces of tasks whose expiry passed (workspaces/expiry.ts), which
 * releases their nodes.
 * Each destruction goes through the node's NodeLifecycle, which refuses a node claimed
 * meanwhile, so the sweep is idempotent and never races a claim. One failure is logged and
 * the sweep goes on.
 */
import type { NodeSweepResult } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { expireKeptWorkspaces } from '../workspaces/expiry.js';
import { countLiveWorkspaces } from '../workspaces/repository.js';
import { readDaemonManifest } from './daemon-artifact.js';
import { deleteOrphanedDnsRecords } from './dns.js';
import type { DestroyReason } from './lifecycle/node-lifecycle-rpc.js';
import { deleteOrphanedNodes } from './orphans.js';
import { listIdleNodesCreatedBefore, listNodesWarmSince, listWarmNodesNotRunning } from './repository.js';

/**
 * Sweep once; answers what it destroyed and what failed.
 * @param nowMs the sweep's clock (ms since the epoch)
 * @param daemonVersion the release served now (default: the artifact's; null: none is outdated)
 */
export async function sweepNodes(deps: Deps, nowMs = Date.now(), daemonVersion?: string | null): Promise<NodeSweepResult> {
  const { db, config, stubs } = deps;
  const log = deps.log.child({ component: 'node-sweep' });
  const expired = await expireKeptWorkspaces(deps, nowMs, log);
  const served = daemonVersion === undefined ? ((await readDaemonManifest(deps.assets))?.version ?? null) : daemonVersion;
  const stale = await listNodesWarmSince(db, new Date(nowMs - config.NODE_WARM_TIMEOUT_MS - config.NODE_WARM_SWEEP_GRACE_MS).toISOString());
  const old = await listIdleNodesCreatedBefore(db, new Date(nowMs - config.MAX_AUTO_NODE_LIFETIME_MS).toISOString());
  const outdated = served ? await listWarmNodesNotRunning(db, served) : [];

  const result: NodeSweepResult = { destroyed: [], failed: [], dnsRecordsDeleted: [] };
  const seen = new Set<string>();
  const candidates: Array<{ nodeId: string; reason: Exclude<DestroyReason, 'manual'> }> = [
    ...stale.map((nodeId) => ({ nodeId, reason: 'warm_timeout' as const })),
    ...old.map((nodeId) => ({ nodeId, reason: 'max_lifetime' as const })),
    ...outdated.map((nodeId) => ({ nodeId, reason: 'outdated_daemon' as const })),
  ];
  for (const { nodeId, reason } of candidates) {
    if (seen.has(nodeId)) continue;
    seen.add(nodeId);
    try {
      if (reason !== 'max_lifetime' && (await countLiveWorkspaces(db, nodeId)) > 0) continue;
      const outcome = await stubs.nodeLifecycle(nodeId).destroyUnused(nodeId, reason);
      if (!outcome.ok) {
        result.failed.push({ nodeId, error: outcome.error.message });
        log.warn('sweep could not destroy a node; going on', { nodeId, reason, error: outcome.error.message });
      } else if (outcome.value) {
        result.destroyed.push({ nodeId, reason });
        log.info('node destroyed by the sweep', { nodeId, reason });
      }
    } catch (error) {
      result.failed.push({ nodeId, error: errorMessage(error) });
      log.warn('sweep could not destroy a node; going on', { nodeId, reason, error: errorMessage(error) });
    }
  }
  await deleteOrphanedNodes(deps, nowMs, result, log);
  await deleteOrphanedDnsRecords(deps, nowMs, result, log);
  log.info('node sweep done', { workspacesExpired: expired.length, destroyed: result.destroyed.length, failed: result.failed.length, dnsRecordsDeleted: result.dnsRecordsDeleted.length });
  return result;
}
