/**
 * cloud-init user-data for a Flotilla node VM (issue 6, item 7; DESIGN.md §1): install git,
 * bubblewrap and socat (the daemon sandboxes every agent with them) and Node.js (checked against
 * its pinned SHA-256, node-release.ts), download the node daemon (one bundled file served by the
 * control plane, pinned to its version and checked against its SHA-256) and the lockfile of the
 * packages it cannot bundle (native addons, the agent adapter; checked the same way), install
 * those with `npm ci` exactly as the lockfile says (install-scripts.ts), write the daemon's settings
 * (node id, control-plane URL, callback token in a file readable only by the daemon's user,
 * project and chat-session ids when given, the address it listens on and announces) and a
 * systemd unit that restarts the daemon when it stops.
 *
 * With `originTls` the VM also makes itself a self-signed origin certificate (EC P-256, ten
 * years, CN = the node id in lower case; key 0600, both owned by the daemon's user) in
 * `/etc/flotilla/tls/` before the daemon starts, and the daemon serves HTTPS/WSS with it
 * (FLOTILLA_TLS_CERT_FILE, FLOTILLA_TLS_KEY_FILE) and announces `https://{ipv4}:{port}` unless
 * `publicUrl` says otherwise: enough for a Cloudflare-proxied name in "Full" SSL mode, which
 * accepts a self-signed origin certificate. The key is made on the VM and never leaves it.
 *
 * Never any cloud or agent credential: the only secret is the node's own callback token (a JWT
 * scoped to this node). Agent credentials reach agents later, per session, from the control
 * plane. Output stays under Hetzner's 32 KiB user-data limit (checked here).
 */
import { stringify } from 'yaml';
import { daemonInstallScript, nodeInstallScript, sh, type CheckedDownload } from './install-scripts.js';
import { NODE_RELEASE, type NodeRelease } from './node-release.js';

/** The daemon artifact a VM downloads: what `GET /api/node-daemon` describes. */
export interface DaemonArtifactRef {
  /** URL of the bundle (one `.mjs` file), e.g. `<control plane>/api/node-daemon/bundle/0.1.0`. */
  url: string;
  version: string;
  /** Lower-case hex SHA-256 of the bundle; the download is refused when it differs. */
  sha256: string;
  /**
   * The `package-lock.json` of the runtime packages (e.g. `<control plane>/api/node-daemon/lockfile/0.1.0`)
   * and its SHA-256; `npm ci` installs exactly what it locks.
   */
  lockfile: CheckedDownload;
  /** Packages installed next to the bundle, by exact version (the package.json `npm ci` checks the lockfile against). */
  dependencies: Record<string, string>;
  /** Packages npm may fail to install without failing the boot (node-pty: terminals only). */
  optionalDependencies?: Record<string, string>;
}

export interface NodeUserDataInput {
  nodeId: string;
  /** URL the daemon calls back to, e.g. `https://flotilla.example.com`. */
  controlPlaneUrl: string;
  /** The node's callback JWT (audience `workspace-callback`). Written to a 0600 file. */
  callbackToken: string;
  daemon: DaemonArtifactRef;
  /** Node.js release to install, with its checksums (default {@link NODE_RELEASE}). */
  nodeRelease?: NodeRelease;
  /** Port the daemon listens on, on every interface (default {@link DEFAULT_DAEMON_PORT}). */
  daemonPort?: number;
  /**
   * URL the daemon announces to the control plane; `{ipv4}` and `{port}` are filled in on the
   * VM (default {@link DEFAULT_PUBLIC_URL}).
   */
  publicUrl?: string;
  projectId?: string | null;
  chatSessionId?: string | null;
  /**
   * Generate a self-signed origin certificate on the VM and serve HTTPS with it (default false);
   * the default public URL becomes {@link DEFAULT_TLS_PUBLIC_URL}.
   */
  originTls?: boolean;
}

export const DEFAULT_DAEMON_PORT = 8080;
export const DEFAULT_PUBLIC_URL = 'http://{ipv4}:{port}';
/** The default public URL with `originTls`. */
export const DEFAULT_TLS_PUBLIC_URL = 'https://{ipv4}:{port}';
/** Hetzner's limit on user-data (bytes). */
export const USER_DATA_MAX_BYTES = 32 * 1024;

const DAEMON_USER = 'flotilla';
const CONFIG_DIR = '/etc/flotilla';
const TLS_DIR = `${CONFIG_DIR}/tls`;
/** Validity of the self-signed origin certificate (days): ten years. */
const ORIGIN_CERT_DAYS = 3650;
const DATA_DIR = '/var/lib/flotilla';
const INSTALL_DIR = '/opt/flotilla';
const DAEMON_FILE = 'node-daemon.mjs';
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
    // systemd creates /var/lib/flotilla owned by the daemon's user.
    'StateDirectory=flotilla',
    `WorkingDirectory=${DATA_DIR}`,
    `ExecStart=/usr/local/bin/node ${INSTALL_DIR}/${DAEMON_FILE}`,
    'Restart=always',
    'RestartSec=2',
    'NoNewPrivileges=true',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The runcmd script making the self-signed origin certificate: `cert.pem` (0644) and `key.pem`
 * (0600) in {@link TLS_DIR}, owned by the daemon's user; a pair already there is kept. Under
 * DESTDIR (a staged root, where that user need not exist) ownership is left as it is.
 */
function originCertificateScript(nodeId: string): string {
  const commonName = nodeId.toLowerCase();
  // CN is at most 64 characters; `/`, `=`, `+` and `,` would break openssl's -subj.
  if (!/^[a-z0-9_.-]{1,64}$/.test(commonName)) throw new Error(`nodeId must be 1–64 of [A-Za-z0-9_.-] for the origin certificate, got ${nodeId}`);
  return [
    'set -eu',
    `dir="\${DESTDIR:-}${TLS_DIR}"`,
    'mkdir -p "$dir"',
    'chmod 0755 "$dir"',
    'cd "$dir"',
    // A certificate already there (a re-run of the boot, or one placed in the image) is kept.
    `[ -s key.pem ] && [ -s cert.pem ] || (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days ${ORIGIN_CERT_DAYS} -subj ${sh(`/CN=${commonName}`)} -keyout key.pem -out cert.pem)`,
    'chmod 0600 key.pem',
    'chmod 0644 cert.pem',
    `[ -n "\${DESTDIR:-}" ] || chown ${DAEMON_USER}:${DAEMON_USER} key.pem cert.pem`,
  ].join('\n');
}

/**
 * The package.json of a VM's daemon directory: the runtime packages of `daemon` at their exact
 * versions. The artifact's lockfile is made from the same object (packages/cli daemon-artifact),
 * so `npm ci` finds the two in sync.
 */
export function daemonPackageJson(daemon: Pick<DaemonArtifactRef, 'version' | 'dependencies' | 'optionalDependencies'>): Record<string, unknown> {
  return {
    name: 'flotilla-node',
    version: daemon.version,
    private: true,
    type: 'module',
    dependencies: daemon.dependencies,
    ...(daemon.optionalDependencies && Object.keys(daemon.optionalDependencies).length > 0 ? { optionalDependencies: daemon.optionalDependencies } : {}),
  };
}

/**
 * Build the `#cloud-config` user-data for one node.
 * @throws Error when a value would break the config (newlines in settings; with `originTls`, a
 *   node id that cannot be a certificate's CN) or the result exceeds {@link USER_DATA_MAX_BYTES}
 */
export function buildNodeUserData(input: NodeUserDataInput): string {
  const { daemon } = input;
  const port = input.daemonPort ?? DEFAULT_DAEMON_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`daemonPort must be 1–65535, got ${port}`);
  for (const [name, version] of Object.entries({ ...daemon.dependencies, ...daemon.optionalDependencies })) {
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`daemon dependency ${name} must have an exact version, got ${version}`);
  }
  const originTls = input.originTls ?? false;
  const settings: Record<string, string> = {
    FLOTILLA_NODE_ID: input.nodeId,
    FLOTILLA_CONTROL_PLANE_URL: input.controlPlaneUrl,
    FLOTILLA_CALLBACK_TOKEN_FILE: `${CONFIG_DIR}/callback-token`,
    FLOTILLA_DATA_DIR: DATA_DIR,
    FLOTILLA_DAEMON_VERSION: daemon.version,
    FLOTILLA_HOST: '0.0.0.0',
    FLOTILLA_PORT: String(port),
    FLOTILLA_PUBLIC_URL: input.publicUrl ?? (originTls ? DEFAULT_TLS_PUBLIC_URL : DEFAULT_PUBLIC_URL),
    ...(originTls ? { FLOTILLA_TLS_CERT_FILE: `${TLS_DIR}/cert.pem`, FLOTILLA_TLS_KEY_FILE: `${TLS_DIR}/key.pem` } : {}),
    ...(input.projectId ? { FLOTILLA_PROJECT_ID: input.projectId } : {}),
    ...(input.chatSessionId ? { FLOTILLA_CHAT_SESSION_ID: input.chatSessionId } : {}),
  };
  const owner = `${DAEMON_USER}:${DAEMON_USER}`;
  const installNode = nodeInstallScript(input.nodeRelease ?? NODE_RELEASE);
  const installDaemon = daemonInstallScript(INSTALL_DIR, DAEMON_FILE, daemon, daemon.lockfile);
  const daemonPackage = daemonPackageJson(daemon);
  const config = {
    users: ['default', { name: DAEMON_USER, system: true, shell: '/usr/sbin/nologin', homedir: DATA_DIR }],
    package_update: true,
    // build-essential and python3: node-pty compiles its addon when npm installs it (optional:
    // when that fails the daemon runs without terminals). bubblewrap and socat: the daemon runs
    // every agent in a sandbox made with them (and refuses to start agents without).
    packages: ['git', 'ca-certificates', 'curl', 'xz-utils', 'build-essential', 'python3', 'bubblewrap', 'socat', ...(originTls ? ['openssl'] : [])],
    write_files: [
      { path: `${CONFIG_DIR}/node.env`, permissions: '0640', owner: `root:${DAEMON_USER}`, content: environmentFile(settings), defer: true },
      { path: `${CONFIG_DIR}/callback-token`, permissions: '0600', owner, content: `${input.callbackToken}\n`, defer: true },
      { path: `${INSTALL_DIR}/package.json`, permissions: '0644', owner: 'root:root', content: `${JSON.stringify(daemonPackage, null, 2)}\n` },
      { path: `/etc/systemd/system/${DAEMON_UNIT}`, permissions: '0644', owner: 'root:root', content: systemdUnit() },
    ],
    runcmd: [
      ['sh', '-c', installNode],
      ['sh', '-c', installDaemon],
      // After `users` (cloud-init's init stage) made the daemon's user; before the unit starts.
      ...(originTls ? [['sh', '-c', originCertificateScript(input.nodeId)]] : []),
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', DAEMON_UNIT],
    ],
  };
  const userData = `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
  const bytes = new TextEncoder().encode(userData).byteLength;
  if (bytes > USER_DATA_MAX_BYTES) throw new Error(`user-data is ${bytes} bytes; the limit is ${USER_DATA_MAX_BYTES}`);
  return userData;
}
