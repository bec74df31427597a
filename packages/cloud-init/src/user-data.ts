/**
 * cloud-init user-data for a Flotilla node VM (issue 6, item 7; DESIGN.md §1): install Node.js
 * and git, download the node daemon (one bundled file served by the control plane, pinned to
 * its version and optionally its SHA-256), write the daemon's settings (node id, control-plane
 * URL, callback token in a file readable only by the daemon's user, project and chat-session
 * ids when given) and a systemd unit that restarts the daemon when it stops.
 *
 * Never any cloud or agent credential: the only secret is the node's own callback token (a JWT
 * scoped to this node). Agent credentials reach agents later, per session, from the control
 * plane. Output stays under Hetzner's 32 KiB user-data limit (checked here).
 */
import { stringify } from 'yaml';

export interface NodeUserDataInput {
  nodeId: string;
  /** URL the daemon calls back to, e.g. `https://flotilla.example.com`. */
  controlPlaneUrl: string;
  /** The node's callback JWT (audience `workspace-callback`). Written to a 0600 file. */
  callbackToken: string;
  /** URL of the bundled node daemon (one `.mjs` file) and its version. */
  daemonUrl: string;
  daemonVersion: string;
  /** Hex SHA-256 of the bundle; when given the download is checked against it. */
  daemonSha256?: string;
  /** Node.js release to install (default {@link DEFAULT_NODE_VERSION}). */
  nodeVersion?: string;
  projectId?: string | null;
  chatSessionId?: string | null;
}

export const DEFAULT_NODE_VERSION = '20.19.5';
/** Hetzner's limit on user-data (bytes). */
export const USER_DATA_MAX_BYTES = 32 * 1024;

const DAEMON_USER = 'flotilla';
const CONFIG_DIR = '/etc/flotilla';
const DATA_DIR = '/var/lib/flotilla';
const DAEMON_PATH = '/opt/flotilla/node-daemon.mjs';
export const DAEMON_UNIT = 'flotilla-node-daemon.service';

/** One `KEY=value` line per setting, for systemd's EnvironmentFile (values must not hold newlines). */
function environmentFile(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([key, value]) => {
      if (/[\r\n]/.test(value)) throw new Error(`${key} must not contain a newline`);
      return `${key}=${value}`;
    })
    .join('\n')
    .concat('\n');
}

function systemdUnit(): string {
  return [
    '[Unit]',
    'Description=Flotilla node daemon',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    `User=${DAEMON_USER}`,
    `Group=${DAEMON_USER}`,
    `EnvironmentFile=${CONFIG_DIR}/node.env`,
    `WorkingDirectory=${DATA_DIR}`,
    `ExecStart=/usr/local/bin/node ${DAEMON_PATH}`,
    'Restart=always',
    'RestartSec=2',
    'NoNewPrivileges=true',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** Shell-quote one word for `sh`. */
const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Build the `#cloud-config` user-data for one node.
 * @throws Error when a value would break the config (newlines in settings) or the result
 *   exceeds {@link USER_DATA_MAX_BYTES}
 */
export function buildNodeUserData(input: NodeUserDataInput): string {
  const nodeVersion = input.nodeVersion ?? DEFAULT_NODE_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(nodeVersion)) throw new Error(`nodeVersion must look like 20.19.5, got ${nodeVersion}`);
  if (input.daemonSha256 !== undefined && !/^[0-9a-f]{64}$/.test(input.daemonSha256)) throw new Error('daemonSha256 must be 64 hex digits');
  const settings: Record<string, string> = {
    FLOTILLA_NODE_ID: input.nodeId,
    FLOTILLA_CONTROL_PLANE_URL: input.controlPlaneUrl,
    FLOTILLA_CALLBACK_TOKEN_FILE: `${CONFIG_DIR}/callback-token`,
    FLOTILLA_DATA_DIR: DATA_DIR,
    FLOTILLA_DAEMON_VERSION: input.daemonVersion,
    ...(input.projectId ? { FLOTILLA_PROJECT_ID: input.projectId } : {}),
    ...(input.chatSessionId ? { FLOTILLA_CHAT_SESSION_ID: input.chatSessionId } : {}),
  };
  const owner = `${DAEMON_USER}:${DAEMON_USER}`;
  const installNode = [
    'set -eu',
    'arch=$(dpkg --print-architecture); case "$arch" in amd64) arch=x64;; arm64) arch=arm64;; esac',
    `curl -fsSL "https://nodejs.org/dist/v${nodeVersion}/node-v${nodeVersion}-linux-$arch.tar.xz" | tar -xJ -C /usr/local --strip-components=1`,
  ].join('\n');
  const installDaemon = [
    'set -eu',
    `mkdir -p /opt/flotilla ${DATA_DIR}`,
    `curl -fsSL --retry 5 --retry-connrefused -o ${DAEMON_PATH}.download ${sh(input.daemonUrl)}`,
    ...(input.daemonSha256 ? [`echo ${sh(`${input.daemonSha256}  ${DAEMON_PATH}.download`)} | sha256sum -c -`] : []),
    `mv ${DAEMON_PATH}.download ${DAEMON_PATH}`,
    `chown -R ${owner} ${DATA_DIR}`,
  ].join('\n');
  const config = {
    users: ['default', { name: DAEMON_USER, system: true, shell: '/usr/sbin/nologin', homedir: DATA_DIR }],
    package_update: true,
    packages: ['git', 'ca-certificates', 'curl', 'xz-utils'],
    write_files: [
      { path: `${CONFIG_DIR}/node.env`, permissions: '0640', owner: `root:${DAEMON_USER}`, content: environmentFile(settings), defer: true },
      { path: `${CONFIG_DIR}/callback-token`, permissions: '0600', owner, content: `${input.callbackToken}\n`, defer: true },
      { path: `/etc/systemd/system/${DAEMON_UNIT}`, permissions: '0644', owner: 'root:root', content: systemdUnit() },
    ],
    runcmd: [
      ['sh', '-c', installNode],
      ['sh', '-c', installDaemon],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', DAEMON_UNIT],
    ],
  };
  const userData = `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
  const bytes = new TextEncoder().encode(userData).byteLength;
  if (bytes > USER_DATA_MAX_BYTES) throw new Error(`user-data is ${bytes} bytes; the limit is ${USER_DATA_MAX_BYTES}`);
  return userData;
}
