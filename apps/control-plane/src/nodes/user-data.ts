/**
 * The cloud-init user-data of a VM node (issue 6, item 7): built by @flotilla/cloud-init from
 * what the node needs — its id, this control plane's URL, its callback token, the task's
 * project and chat session, and the node daemon artifact this control plane serves
 * (`GET /api/node-daemon/bundle/<version>` and `…/lockfile/<version>`, their SHA-256s and the
 * packages installed beside the bundle).
 * Nothing else: no cloud or agent credential ever goes into user-data.
 *
 * How the daemon listens and announces itself is config `nodeDaemon` (config.ts):
 * NODE_DAEMON_PORT — the port the daemon listens on, on every interface (default 8080; 8443 with
 * node DNS); NODE_ORIGIN_TLS (`true`/`false`; default true with node DNS, else false) — the
 * daemon serves HTTPS with a self-signed certificate made on the VM (what Cloudflare's proxy in
 * SSL mode "Full" expects of an origin); NODE_PUBLIC_URL_TEMPLATE — the URL the daemon announces,
 * `{ipv4}`/`{port}` filled in on the VM and `{nodeId}` (lower case, hostname-safe) here; default
 * `https://{nodeId}.<NODE_DNS_DOMAIN>:{port}` with node DNS (dns.ts), else
 * `http(s)://{ipv4}:{port}` — plain http to a bare IP is for a trusted network only.
 */
import { buildNodeUserData } from '@flotilla/cloud-init';
import { errorMessage, permanentFailure } from '@flotilla/kit';
import { nodeHostLabel } from '@flotilla/providers';
import { setting } from '../config.js';
import type { Deps } from '../deps.js';
import { readDaemonManifest } from './daemon-artifact.js';

export interface NodeUserDataFields {
  nodeId: string;
  callbackToken: string;
  projectId: string | null;
  chatSessionId: string | null;
}

/**
 * User-data for a new VM node.
 * @throws FlotillaError permanentFailure when BASE_URL is not set, this control plane serves no
 *   daemon artifact, a var is invalid, or the result would not be valid user-data (e.g. over 32 KiB)
 */
export async function userDataForNode(deps: Pick<Deps, 'config' | 'assets'>, fields: NodeUserDataFields): Promise<string> {
  const baseUrl = setting(deps.config.baseUrl);
  const manifest = await readDaemonManifest(deps.assets);
  if (!manifest) throw permanentFailure('this control plane serves no node daemon artifact, so a VM could not start its daemon (flotilla up builds one; a deployment must include it in its assets)');
  const daemon = setting(deps.config.nodeDaemon);
  try {
    return buildNodeUserData({
      nodeId: fields.nodeId,
      controlPlaneUrl: baseUrl,
      callbackToken: fields.callbackToken,
      daemon: {
        url: `${baseUrl}/api/node-daemon/bundle/${manifest.version}`,
        version: manifest.version,
        sha256: manifest.sha256,
        lockfile: { url: `${baseUrl}/api/node-daemon/lockfile/${manifest.version}`, sha256: manifest.lockfile.sha256 },
        dependencies: manifest.dependencies,
        optionalDependencies: manifest.optionalDependencies,
      },
      daemonPort: daemon.port,
      originTls: daemon.originTls,
      publicUrl: daemon.publicUrlTemplate.replaceAll('{nodeId}', nodeHostLabel(fields.nodeId)),
      projectId: fields.projectId,
      chatSessionId: fields.chatSessionId,
    });
  } catch (error) {
    throw permanentFailure(`could not build the node's user-data: ${errorMessage(error)}`, error);
  }
}
