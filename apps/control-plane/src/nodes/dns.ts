/**
 * DNS names for cloud nodes (so their daemons are reached over TLS): when this deployment
 * configures a Cloudflare zone, every cloud node gets `<node>.<NODE_DNS_DOMAIN>` → its server's
 * public IPv4, made right after the provider created the server and deleted when the node is
 * destroyed; the node sweep deletes records whose node is gone. The local provider never gets one.
 *
 * Settings (config `nodeDns`, read in config.ts): NODE_DNS_ZONE_ID (the zone's id),
 * NODE_DNS_DOMAIN (e.g. `nodes.example.com`, inside that zone), NODE_DNS_PROXIED (default
 * `true`: through Cloudflare's proxy, which terminates TLS with its own certificate; the zone's
 * SSL mode must be "Full"), CLOUDFLARE_API_URL (default `https://api.cloudflare.com/client/v4`);
 * secret CLOUDFLARE_API_TOKEN ("Zone · DNS · Edit"). With DNS on, a VM's daemon defaults to TLS
 * on port 8443 and announces `https://<node>.<NODE_DNS_DOMAIN>:8443` (user-data.ts).
 */
import type { NodeSweepResult } from '@flotilla/contracts';
import { errorMessage, permanentFailure, type Logger } from '@flotilla/kit';
import { createCloudflareNodeDns, type NodeDns } from '@flotilla/providers';
import { setting, type Config, type NodeDnsSettings } from '../config.js';
import { getNode } from './repository.js';

/** The DNS client for these settings; calls time out after `requestTimeoutMs` (ms). @throws FlotillaError permanentFailure for an invalid zone id or domain */
function nodeDnsClient(settings: NodeDnsSettings, requestTimeoutMs: number): NodeDns {
  try {
    return createCloudflareNodeDns({ token: settings.token, zoneId: settings.zoneId, domain: settings.domain, proxied: settings.proxied, baseUrl: settings.apiUrl, requestTimeoutMs });
  } catch (error) {
    throw permanentFailure(errorMessage(error), error);
  }
}

/**
 * Point the node's DNS name at its server's `ipv4` (idempotent). Does nothing when node DNS is off.
 * @returns the hostname, or null when node DNS is off
 * @throws FlotillaError permanentFailure when node DNS is half configured, or on but the provider
 *   gave no IPv4 address; ProviderError when Cloudflare refuses (retryable ones are retried)
 */
export async function registerNodeDnsRecord(config: Config, nodeId: string, ipv4: string | null | undefined): Promise<string | null> {
  const settings = setting(config.nodeDns);
  if (!settings) return null;
  if (!ipv4) throw permanentFailure(`node ${nodeId} has no public IPv4 address, so it cannot get its DNS name`);
  return (await nodeDnsClient(settings, config.OUTBOUND_REQUEST_TIMEOUT_MS).upsertNodeRecord(nodeId, ipv4)).hostname;
}

/** Delete the node's DNS record; nothing when node DNS is off or the record is gone. @throws ProviderError */
export async function removeNodeDnsRecord(config: Config, nodeId: string): Promise<void> {
  const settings = setting(config.nodeDns);
  if (settings) await nodeDnsClient(settings, config.OUTBOUND_REQUEST_TIMEOUT_MS).deleteNodeRecord(nodeId);
}

/**
 * The sweep's part: delete the records Flotilla made whose node is unknown or destroyed, once
 * older than ORPHAN_NODE_GRACE_MS (a record made a moment before its node row is never touched).
 * Adds what it deleted to `result.dnsRecordsDeleted`, failures to `result.failed`; never throws.
 * @param nowMs the sweep's clock, ms since the epoch
 */
export async function deleteOrphanedDnsRecords(deps: { db: D1Database; config: Config }, nowMs: number, result: NodeSweepResult, log: Logger): Promise<void> {
  const { db, config } = deps;
  let dns: NodeDns;
  let records;
  try {
    const settings = setting(config.nodeDns);
    if (!settings) return;
    dns = nodeDnsClient(settings, config.OUTBOUND_REQUEST_TIMEOUT_MS);
    records = await dns.listNodeRecords();
  } catch (error) {
    log.warn('could not list node DNS records; going on', { error: errorMessage(error) });
    return;
  }
  for (const record of records) {
    const createdMs = record.createdAt ? Date.parse(record.createdAt) : Number.NaN;
    if (!Number.isFinite(createdMs) || nowMs - createdMs < config.ORPHAN_NODE_GRACE_MS) continue;
    const node = await getNode(db, record.nodeId);
    if (node && node.status !== 'destroyed') continue;
    try {
      await dns.deleteNodeRecord(record.nodeId);
      result.dnsRecordsDeleted.push({ nodeId: record.nodeId, hostname: record.hostname });
      log.info('orphaned node DNS record deleted', { nodeId: record.nodeId, hostname: record.hostname, known: node !== null });
    } catch (error) {
      result.failed.push({ nodeId: record.nodeId, error: errorMessage(error) });
      log.warn('could not delete an orphaned node DNS record; going on', { nodeId: record.nodeId, error: errorMessage(error) });
    }
  }
}
