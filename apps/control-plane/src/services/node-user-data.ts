/**
 * The cloud-init user-data of a VM node (issue 6, item 7): built by @flotilla/cloud-init from
 * what the node needs — its id, this control plane's URL, its callback token, the task's
 * project and chat session, and where to download the node daemon bundle. Nothing else: no
 * cloud or agent credential ever goes into user-data.
 * Vars: NODE_DAEMON_BUNDLE_URL (default `<BASE_URL>/api/node-daemon/bundle/<version>`),
 * NODE_DAEMON_VERSION (default {@link DEFAULT_DAEMON_VERSION}), NODE_DAEMON_SHA256 (optional).
 */
import { buildNodeUserData } from '@flotilla/cloud-init';
import { controlPlaneUrl, type Env } from '../env.js';
import { PermanentError } from '../lib/errors.js';

/** The daemon release that goes with this control plane (the monorepo releases them together). */
export const DEFAULT_DAEMON_VERSION = '0.1.0';

export interface NodeUserDataFields {
  nodeId: string;
  callbackToken: string;
  projectId: string | null;
  chatSessionId: string | null;
}

const stringVar = (env: Env, name: string) => (typeof env[name] === 'string' && env[name] !== '' ? (env[name] as string) : undefined);

/**
 * User-data for a new VM node.
 * @throws PermanentError when the result would not be valid user-data (e.g. over 32 KiB)
 */
export function userDataForNode(env: Env, fields: NodeUserDataFields): string {
  const baseUrl = controlPlaneUrl(env);
  const daemonVersion = stringVar(env, 'NODE_DAEMON_VERSION') ?? DEFAULT_DAEMON_VERSION;
  const daemonSha256 = stringVar(env, 'NODE_DAEMON_SHA256');
  try {
    return buildNodeUserData({
      nodeId: fields.nodeId,
      controlPlaneUrl: baseUrl,
      callbackToken: fields.callbackToken,
      daemonUrl: stringVar(env, 'NODE_DAEMON_BUNDLE_URL') ?? `${baseUrl}/api/node-daemon/bundle/${daemonVersion}`,
      daemonVersion,
      ...(daemonSha256 ? { daemonSha256 } : {}),
      projectId: fields.projectId,
      chatSessionId: fields.chatSessionId,
    });
  } catch (error) {
    throw new PermanentError(`could not build the node's user-data: ${error instanceof Error ? error.message : String(error)}`);
  }
}
