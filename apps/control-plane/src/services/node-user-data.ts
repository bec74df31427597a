/**
 * The cloud-init user-data of a VM node (issue 6, item 7): built by @flotilla/cloud-init from
 * what the node needs — its id, this control plane's URL, its callback token, the task's
 * project and chat session, and the node daemon artifact this control plane serves
 * (`GET /api/node-daemon/bundle/<version>`, its SHA-256 and the packages installed beside it).
 * Nothing else: no cloud or agent credential ever goes into user-data.
 *
 * Vars: NODE_DAEMON_PORT (default 8080) — the port the daemon listens on, on every interface;
 * NODE_PUBLIC_URL_TEMPLATE (default `http://{ipv4}:{port}`) — the URL the daemon announces,
 * `{ipv4}`/`{port}` filled in on the VM and `{nodeId}` (lower case, hostname-safe) here. Point it at a TLS endpoint
 * (e.g. `https://{nodeId}.nodes.example.com` behind a proxy) for anything but a trusted network.
 */
import { buildNodeUserData, DEFAULT_DAEMON_PORT, DEFAULT_PUBLIC_URL } from '@flotilla/cloud-init';
import { controlPlaneUrl, type Env } from '../env.js';
import { PermanentError } from '../lib/errors.js';
import { readDaemonManifest } from './node-daemon-artifact.js';

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
  const port = Number(stringVar(env, 'NODE_DAEMON_PORT') ?? DEFAULT_DAEMON_PORT);
  const publicUrl = (stringVar(env, 'NODE_PUBLIC_URL_TEMPLATE') ?? DEFAULT_PUBLIC_URL).replaceAll('{nodeId}', fields.nodeId.toLowerCase().replace(/[^a-z0-9-]/g, '-'));
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
      publicUrl,
      projectId: fields.projectId,
      chatSessionId: fields.chatSessionId,
    });
  } catch (error) {
    throw new PermanentError(`could not build the node's user-data: ${error instanceof Error ? error.message : String(error)}`);
  }
}
