/**
 * DNS names for cloud nodes (so their daemons are reached over TLS): when this deployment
 * configures a Cloudflare zone, every cloud node gets `<node>.<NODE_DNS_DOMAIN>` → its server's
 * public IPv4, made right after the provider created the server and deleted when the node is
 * destroyed; the node sweep deletes records whose node is gone. The local provider never gets one.
 *
 * Vars: NODE_DNS_ZONE_ID (the zone's id), NODE_DNS_DOMAIN (e.g. `nodes.example.com`, inside that
 * zone), NODE_DNS_PROXIED (default `true`: through Cloudflare's proxy, which terminates TLS with
 * its own certificate; the zone's SSL mode must be "Full"), CLOUDFLARE_API_URL (default
 * `https://api.cloudflare.com/client/v4`); secret CLOUDFLARE_API_TOKEN ("Zone · DNS · Edit").
 * With DNS on, a VM's daemon defaults to TLS on port 8443 and announces
 * `https://<node>.<NODE_DNS_DOMAIN>:8443` (node-user-data.ts).
 */
import type { NodeSweepResult } from '@flotilla/contracts';
import { CLOUDFLARE_API_URL, createCloudflareNodeDns, type NodeDns } from '@flotilla/providers';
import { stringVar, type Config, type Env } from '../env.js';
import { PermanentError } from '../lib/errors.js';
import { errorMessage, type Logger } from '../lib/logger.js';

export interface NodeDnsSettings {
  zoneId: string;
  domain: string;
  proxied: boolean;
  apiUrl: string;
  token: string;
}

/**
 * This deployment's node DNS settings, or null when node DNS is off (no NODE_DNS_ZONE_ID and no
 * NODE_DNS_DOMAIN).
 * @throws PermanentError when only part of it is configured (names what is missing) or
 *   NODE_DNS_PROXIED is neither true nor false
 */
export function nodeDnsSettings(env: Env): NodeDnsSettings | null {
  const zoneId = stringVar(env, 'NODE_DNS_ZONE_ID');
  const domain = stringVar(env, 'NODE_DNS_DOMAIN');
  if (!zoneId && !domain) return null;
  const token = stringVar(env, 'CLOUDFLARE_API_TOKEN');
  const missing = [!zoneId && 'NODE_DNS_ZONE_ID', !domain && 'NODE_DNS_DOMAIN', !token && 'CLOUDFLARE_API_TOKEN (a secret)'].filter(Boolean);
  if (missing.length > 0 || !zoneId || !domain || !token) throw new PermanentError(`node DNS is half configured: set ${missing.join(' and ')} too, or unset NODE_DNS_ZONE_ID and NODE_DNS_DOMAIN`);
  const proxiedVar = (stringVar(env, 'NODE_DNS_PROXIED') ?? 'true').toLowerCase();
  if (proxiedVar !== 'true' && proxiedVar !== 'false') throw new PermanentError(`NODE_DNS_PROXIED must be true or false, got ${proxiedVar}`);
  return { zoneId, domain: domain.toLowerCase(), proxied: proxiedVar === 'true', apiUrl: stringVar(env, 'CLOUDFLARE_API_URL') ?? CLOUDFLARE_API_URL, token };
}

/** The DNS client for these settings; calls time out after `requestTimeoutMs` (ms). @throws PermanentError for an invalid zone id or domain */
function nodeDnsClient(settings: NodeDnsSettings, requestTimeoutMs: number): NodeDns {
  try {
    return createCloudflareNodeDns({ token: settings.token, zoneId: settings.zoneId, domain: settings.domain, proxied: settings.proxied, baseUrl: settings.apiUrl, requestTimeoutMs });
  } catch (error) {
    throw new PermanentError(errorMessage(error));
  }
}

/**
 * Point the node's DNS name at its server's `ipv4` (idempotent). Does nothing when node DNS is off.
 * @returns the hostname, or null when node DNS is off
 * @throws PermanentError when node DNS is on but the provider gave no IPv4 address; ProviderError
 *   when Cloudflare refuses (transient ones may be retried)
 */
export async function registerNodeDnsRecord(env: Env, config: Config, nodeId: string, ipv4: string | null | undefined): Promise<string | null> {
  const settings = nodeDnsSettings(env);
  if (!settings) return null;
  if (!ipv4) throw new PermanentError(`node ${nodeId} has no public IPv4 address, so it cannot get its DNS name`);
  return (await nodeDnsClient(settings, config.OUTBOUND_REQUEST_TIMEOUT_MS).upsertNodeRecord(nodeId, ipv4)).hostname;
}

/** Delete the node's DNS record; nothing when node DNS is off or the record is gone. @throws ProviderError */
export async function removeNodeDnsRecord(env: Env, config: Config, nodeId: string): Promise<void> {
  const settings = nodeDnsSettings(env);
  if (settings) await nodeDnsClient(settings, config.OUTBOUND_REQUEST_TIMEOUT_MS).deleteNodeRecord(nodeId);
}

/**
 * The sweep's part: delete the records Flotilla made whose node is unknown or destroyed, once
 * older than ORPHAN_NODE_GRACE_MS (a record made a moment before its node row is never touched).
 * Adds what it deleted to `result.dnsRecordsDeleted`, failures to `result.failed`; never throws.
 */
export async function deleteOrphanedDnsRecords(env: Env, config: Config, nowMs: number, result: NodeSweepResult, log: Logger): Promise<void> {
  let dns: NodeDns;
  let records;
  try {
    const settings = nodeDnsSettings(env);
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
    const row = await env.DB.prepare('SELECT status FROM nodes WHERE id = ?').bind(record.nodeId).first<{ status: string }>();
    if (row && row.status !== 'destroyed') continue;
    try {
      await dns.deleteNodeRecord(record.nodeId);
      result.dnsRecordsDeleted.push({ nodeId: record.nodeId, hostname: record.hostname });
      log.info('orphaned node DNS record deleted', { nodeId: record.nodeId, hostname: record.hostname, known: row !== null });
    } catch (error) {
      result.failed.push({ nodeId: record.nodeId, error: errorMessage(error) });
      log.warn('could not delete an orphaned node DNS record; going on', { nodeId: record.nodeId, error: errorMessage(error) });
    }
  }
}
