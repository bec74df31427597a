/**
 * DNS names for cloud nodes, in a Cloudflare zone (fetch-based; runs in the Worker). Each node
 * gets the A record `<node id, hostname-safe>.<domain>` pointing at its server's public IPv4,
 * proxied through Cloudflare by default, so browsers and the control plane reach the daemon as
 * `https://<node>.<domain>:8443` on Cloudflare's certificate while Cloudflare reaches the VM
 * (SSL mode "Full": the daemon's self-signed origin certificate is accepted). Every record
 * carries the comment `managed-by=flotilla node=<nodeId>`, which is how the sweep finds records
 * whose node is gone. Errors become {@link ProviderError}s; retryable ones (408, 429, 5xx) are retried
 * (../json-api.ts). API: Cloudflare API v4, "DNS Records for a Zone".
 */
import { createJsonApiRequest, type JsonApiOptions } from '../json-api.js';
import { ProviderError } from '../provider.js';
import {
  CloudflareErrorBody,
  CloudflareListRecordsResponse,
  CloudflareRecordResponse,
  type CloudflareDnsRecord,
  type CloudflareRecordRequest,
} from './cloudflare-dns-schemas.js';

export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4';
/** Ports on which Cloudflare proxies HTTPS (its documented list); a proxied daemon must listen on one. */
export const CLOUDFLARE_HTTPS_PORTS = [443, 2053, 2083, 2087, 2096, 8443] as const;
const COMMENT_PREFIX = 'managed-by=flotilla node=';

export interface NodeDnsOptions extends JsonApiOptions {
  /** The Cloudflare zone's id (32 hex digits). */
  zoneId: string;
  /** The domain node names are made under, e.g. `nodes.example.com` (inside the zone). */
  domain: string;
  /** Proxy through Cloudflare (default true); false: a DNS-only record. */
  proxied?: boolean;
  /** Default {@link CLOUDFLARE_API_URL}. */
  baseUrl?: string;
}

/** One node's record as Cloudflare holds it. */
export interface NodeDnsRecord {
  nodeId: string;
  hostname: string;
  ipv4: string;
  proxied: boolean;
  /** ISO 8601, when Cloudflare says. */
  createdAt: string | null;
}

export interface NodeDns {
  /** `<label>.<domain>` for a node, see {@link nodeHostLabel}. */
  hostnameFor(nodeId: string): string;
  /**
   * Point the node's name at `ipv4`: creates its A record, or overwrites one that differs
   * (address, proxying); idempotent.
   * @throws ProviderError (retryable for 408/429/5xx/unreachable)
   */
  upsertNodeRecord(nodeId: string, ipv4: string): Promise<NodeDnsRecord>;
  /** Delete the node's records; a record already gone counts as deleted. @throws ProviderError */
  deleteNodeRecord(nodeId: string): Promise<void>;
  /** Every record Flotilla made in the zone (by its comment). @throws ProviderError */
  listNodeRecords(): Promise<NodeDnsRecord[]>;
}

/** A node id as one DNS label: lower case, anything but `a-z0-9-` as `-`, at most 63 characters. */
export function nodeHostLabel(nodeId: string): string {
  return nodeId.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, '');
}

/** What Cloudflare's error codes mean for the operator. */
function clearMessage(status: number, code: number | undefined): string | undefined {
  if (status === 401 || status === 403 || code === 10000 || code === 9109) {
    return 'the Cloudflare API token (CLOUDFLARE_API_TOKEN) is invalid or may not edit this zone\'s DNS: it needs the "Zone · DNS · Edit" permission';
  }
  if (code === 7003 || code === 1001 || status === 404) return 'Cloudflare knows no such zone: check NODE_DNS_ZONE_ID';
  if (code === 81053 || code === 81057 || code === 81058) return 'a DNS record with this name already exists';
  if (status === 429) return 'Cloudflare rate limit exceeded';
  return undefined;
}

/** The message of Cloudflare's refusal: what it means, then Cloudflare's own words. */
function describeFailure(method: string, path: string, status: number, json: unknown): string {
  const parsed = CloudflareErrorBody.safeParse(json);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  const detail = first ? `${first.code}: ${first.message}` : `HTTP ${status}`;
  const clear = clearMessage(status, first?.code);
  const where = path.split('?')[0]?.replace(/^\/zones\/[^/]+/, '/zones/…');
  return `Cloudflare ${method} ${where} failed: ${clear ? `${clear} (${detail})` : detail}`;
}

export function createCloudflareNodeDns(options: NodeDnsOptions): NodeDns {
  if (!/^[0-9a-f]{32}$/i.test(options.zoneId)) throw new ProviderError(`NODE_DNS_ZONE_ID must be a Cloudflare zone id (32 hex digits), got ${options.zoneId}`, { retryable: false });
  const domain = options.domain.toLowerCase().replace(/^\.+|\.+$/g, '');
  if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domain)) throw new ProviderError(`NODE_DNS_DOMAIN must be a domain name such as nodes.example.com, got ${options.domain}`, { retryable: false });
  const proxied = options.proxied ?? true;
  const request = createJsonApiRequest('Cloudflare', options.baseUrl ?? CLOUDFLARE_API_URL, options, describeFailure);
  const records = `/zones/${options.zoneId}/dns_records`;
  const hostnameFor = (nodeId: string) => `${nodeHostLabel(nodeId)}.${domain}`;

  async function list(filter: Record<string, string>): Promise<CloudflareDnsRecord[]> {
    const found: CloudflareDnsRecord[] = [];
    for (let page = 1, pages = 1; page <= pages; page += 1) {
      const query = new URLSearchParams({ type: 'A', ...filter, page: String(page), per_page: '100' });
      const parsed = CloudflareListRecordsResponse.parse((await request('GET', `${records}?${query}`)).json);
      found.push(...parsed.result);
      pages = parsed.result_info?.total_pages ?? 1;
    }
    return found;
  }

  const toNodeRecord = (record: CloudflareDnsRecord): NodeDnsRecord | null => {
    const nodeId = record.comment?.startsWith(COMMENT_PREFIX) ? record.comment.slice(COMMENT_PREFIX.length) : '';
    return nodeId ? { nodeId, hostname: record.name, ipv4: record.content, proxied: record.proxied ?? false, createdAt: record.created_on ?? null } : null;
  };

  return {
    hostnameFor,
    async upsertNodeRecord(nodeId, ipv4) {
      const body: CloudflareRecordRequest = { type: 'A', name: hostnameFor(nodeId), content: ipv4, ttl: 1, proxied, comment: `${COMMENT_PREFIX}${nodeId}` };
      const [existing, ...extra] = await list({ 'name.exact': body.name });
      for (const record of extra) await request('DELETE', `${records}/${record.id}`, undefined, [404]);
      let saved: CloudflareDnsRecord;
      if (!existing) saved = CloudflareRecordResponse.parse((await request('POST', records, body)).json).result;
      else if (existing.content !== ipv4 || existing.proxied !== proxied || existing.comment !== body.comment) {
        saved = CloudflareRecordResponse.parse((await request('PUT', `${records}/${existing.id}`, body)).json).result;
      } else saved = existing;
      return toNodeRecord(saved) ?? { nodeId, hostname: saved.name, ipv4: saved.content, proxied: saved.proxied ?? proxied, createdAt: saved.created_on ?? null };
    },
    async deleteNodeRecord(nodeId) {
      for (const record of await list({ 'name.exact': hostnameFor(nodeId) })) await request('DELETE', `${records}/${record.id}`, undefined, [404]);
    },
    async listNodeRecords() {
      return (await list({ 'comment.startswith': COMMENT_PREFIX })).flatMap((record) => toNodeRecord(record) ?? []);
    },
  };
}
