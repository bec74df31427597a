/**
 * The cloud-init user-data of a VM node (issue 6, item 7): built by @flotilla/cloud-init from
 * what the node needs — its id, this control plane's URL, its callback token, the task's
 * project and chat session, and the node daemon artifact this control plane serves
 * (`GET /api/node-daemon/bundle/<version>`, its SHA-256 and the packages installed beside it).
 * Nothing else: no cloud or agent credential ever goes into user-data.
 *
 * Vars: NODE_DAEMON_PORT — the port the daemon listens on, on every interface (default 8080;
 * 8443 with node DNS); NODE_ORIGIN_TLS (`true`/`false`; default true with node DNS, else false) —
 * the daemon serves HTTPS with a self-signed certificate made on the VM (what Cloudflare's proxy
 * in SSL mode "Full" expects of an origin); NODE_PUBLIC_URL_TEMPLATE — the URL the daemon
 * announces, `{ipv4}`/`{port}` filled in on the VM and `{nodeId}` (lower case, hostname-safe)
 * here; default `https://{nodeId}.<NODE_DNS_DOMAIN>:{port}` with node DNS (node-dns.ts), else
 * `http(s)://{ipv4}:{port}` — plain http to a bare IP is for a trusted network only.
 */
import { buildNodeUserData, DEFAULT_DAEMON_PORT } from '@flotilla/cloud-init';
import { CLOUDFLARE_HTTPS_PORTS, nodeHostLabel } from '@flotilla/providers';
import { controlPlaneUrl, type Env } from '../env.js';
import { PermanentError } from '../lib/errors.js';
import { readDaemonManifest } from './node-daemon-artifact.js';
import { nodeDnsSettings } from './node-dns.js';

export interface NodeUserDataFields {
  nodeId: string;
  callbackToken: string;
  projectId: string | null;
  chatSessionId: string | null;
}

const stringVar = (env: Env, name: string) => (typeof env[name] === 'string' && env[name] !== '' ? (env[name] as string) : undefined);

/**
 * User-data for a new VM node.
 * @throws PermanentError when this control plane serves no daemon artifact, a var is invalid, or
 *   the result would not be valid user-data (e.g. over 32 KiB)
 */
export async function userDataForNode(env: Env, fields: NodeUserDataFields): Promise<string> {
  const baseUrl = controlPlaneUrl(env);
  const manifest = await readDaemonManifest(env);
  if (!manifest) throw new PermanentError('this control plane serves no node daemon artifact, so a VM could not start its daemon (flotilla up builds one; a deployment must include it in its assets)');
  const { port, originTls, publicUrl } = daemonAddress(env);
  try {
    return buildNodeUserData({
      nodeId: fields.nodeId,
      controlPlaneUrl: baseUrl,
      callbackToken: fields.callbackToken,
      daemon: {
        url: `${baseUrl}/api/node-daemon/bundle/${manifest.version}`,
        version: manifest.version,
        sha256: manifest.sha256,
        dependencies: manifest.dependencies,
        optionalDependencies: manifest.optionalDependencies,
      },
      daemonPort: port,
      originTls,
      publicUrl: publicUrl.replaceAll('{nodeId}', nodeHostLabel(fields.nodeId)),
      projectId: fields.projectId,
      chatSessionId: fields.chatSessionId,
    });
  } catch (error) {
    throw new PermanentError(`could not build the node's user-data: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * How a VM's daemon listens and what URL it announces (`{nodeId}` still to fill), from the vars
 * above and node DNS.
 * @throws PermanentError for an invalid NODE_ORIGIN_TLS, or a port Cloudflare does not proxy
 *   HTTPS on while node DNS records are proxied
 */
function daemonAddress(env: Env): { port: number; originTls: boolean; publicUrl: string } {
  const dns = nodeDnsSettings(env);
  const tlsVar = stringVar(env, 'NODE_ORIGIN_TLS')?.toLowerCase();
  if (tlsVar !== undefined && tlsVar !== 'true' && tlsVar !== 'false') throw new PermanentError(`NODE_ORIGIN_TLS must be true or false, got ${tlsVar}`);
  const originTls = tlsVar === undefined ? dns !== null : tlsVar === 'true';
  const port = Number(stringVar(env, 'NODE_DAEMON_PORT') ?? (dns ? 8443 : DEFAULT_DAEMON_PORT));
  if (dns?.proxied && !(CLOUDFLARE_HTTPS_PORTS as readonly number[]).includes(port)) {
    throw new PermanentError(`NODE_DAEMON_PORT ${port} is not one Cloudflare proxies HTTPS on (${CLOUDFLARE_HTTPS_PORTS.join(', ')}); pick one of them or set NODE_DNS_PROXIED=false`);
  }
  const scheme = originTls ? 'https' : 'http';
  const publicUrl = stringVar(env, 'NODE_PUBLIC_URL_TEMPLATE') ?? (dns ? `https://{nodeId}.${dns.domain}:{port}` : `${scheme}://{ipv4}:{port}`);
  return { port, originTls, publicUrl };
}
