/**
 * The node sweep (issue 6, item 4): the safety net behind NodeLifecycle alarms, run by the cron
 * every 15 minutes and locally by `POST /api/nodes/sweep`. It destroys
 * - warm nodes past NODE_WARM_TIMEOUT_MS + NODE_WARM_SWEEP_GRACE_MS with no workspace left
 *   (their alarm was lost), and
 * - auto-provisioned nodes older than MAX_AUTO_NODE_LIFETIME_MS that run no task, and
 * - warm nodes running another daemon release than the one this control plane serves (after an
 *   upgrade; node selection never reuses them), and
 * - cloud servers of Flotilla's that no live node accounts for (orphan-nodes.ts), and their DNS
 *   records (node-dns.ts).
 * Each destruction goes through the node's NodeLifecycle, which refuses a node claimed
 * meanwhile, so the sweep is idempotent and never races a claim. One failure is logged and
 * the sweep goes on.
 */
import type { NodeSweepResult } from '@flotilla/contracts';
import { countLiveWorkspaces } from '../db/nodes-repository.js';
import { nodeLifecycle, type DestroyReason } from '../durable-objects/node-lifecycle/node-lifecycle.js';
import { readConfig, type Env } from '../env.js';
import { createLogger, errorMessage } from '../lib/logger.js';
import { readDaemonManifest } from './node-daemon-artifact.js';
import { deleteOrphanedDnsRecords } from './node-dns.js';
import { deleteOrphanedNodes } from './orphan-nodes.js';

const log = createLogger('node-sweep');

/**
 * Sweep once; answers what it destroyed and what failed. `nowMs` is the sweep's clock;
 * `daemonVersion` the release served now (default: the artifact's; null: none is outdated).
 */
export async function sweepNodes(env: Env, nowMs = Date.now(), daemonVersion?: string | null): Promise<NodeSweepResult> {
  const served = daemonVersion === undefined ? ((await readDaemonManifest(env))?.version ?? null) : daemonVersion;
  const config = readConfig(env);
  const warmCutoff = new Date(nowMs - config.NODE_WARM_TIMEOUT_MS - config.NODE_WARM_SWEEP_GRACE_MS).toISOString();
  const lifetimeCutoff = new Date(nowMs - config.MAX_AUTO_NODE_LIFETIME_MS).toISOString();
  const stale = await env.DB.prepare("SELECT id FROM nodes WHERE status = 'warm' AND warm_since IS NOT NULL AND warm_since <= ?").bind(warmCutoff).all<{ id: string }>();
  const old = await env.DB.prepare(
    `SELECT n.id FROM nodes n WHERE n.auto_provisioned = 1 AND n.status IN ('provisioning', 'ready', 'warm', 'destroying', 'error') AND n.created_at <= ?
       AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.node_id = n.id AND t.status IN ('queued', 'delegated', 'in_progress'))`,
  )
    .bind(lifetimeCutoff)
    .all<{ id: string }>();

  const outdated = served
    ? await env.DB.prepare("SELECT id FROM nodes WHERE status = 'warm' AND daemon_version IS NOT NULL AND daemon_version != ?").bind(served).all<{ id: string }>()
    : { results: [] as Array<{ id: string }> };

  const result: NodeSweepResult = { destroyed: [], failed: [], dnsRecordsDeleted: [] };
  const seen = new Set<string>();
  const candidates: Array<{ nodeId: string; reason: Exclude<DestroyReason, 'manual'> }> = [
    ...stale.results.map(({ id }) => ({ nodeId: id, reason: 'warm_timeout' as const })),
    ...old.results.map(({ id }) => ({ nodeId: id, reason: 'max_lifetime' as const })),
    ...outdated.results.map(({ id }) => ({ nodeId: id, reason: 'outdated_daemon' as const })),
  ];
  for (const { nodeId, reason } of candidates) {
    if (seen.has(nodeId)) continue;
    seen.add(nodeId);
    try {
      if (reason !== 'max_lifetime' && (await countLiveWorkspaces(env.DB, nodeId)) > 0) continue;
      if (await nodeLifecycle(env, nodeId).destroyUnused(nodeId, reason)) {
        result.destroyed.push({ nodeId, reason });
        log.info('node destroyed by the sweep', { nodeId, reason });
      }
    } catch (error) {
      result.failed.push({ nodeId, error: errorMessage(error) });
      log.warn('sweep could not destroy a node; going on', { nodeId, reason, error: errorMessage(error) });
    }
  }
  await deleteOrphanedNodes(env, config, nowMs, result, log);
  await deleteOrphanedDnsRecords(env, config, nowMs, result, log);
  log.info('node sweep done', { destroyed: result.destroyed.length, failed: result.failed.length, dnsRecordsDeleted: result.dnsRecordsDeleted.length });
  return result;
}
