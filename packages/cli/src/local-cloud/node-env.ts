/**
 * The environment of a local node daemon (issue 12, DESIGN.md §7). A node daemon never inherits
 * the CLI's environment, which holds what no node needs and no agent may see
 * (FLOTILLA_API_TOKEN, CLOUDFLARE_API_TOKEN, a cloud's or a shell's secrets…). It gets only:
 * - basic process settings, none of them secret: PATH, HOME, USER, SHELL, LANG, LC_ALL, TZ, TMPDIR
 *   (git and a workspace terminal's shell need HOME, USER and SHELL);
 * - the node daemon's documented settings ({@link DAEMON_SETTINGS}, the README's "Node daemon"
 *   table), and the families FLOTILLA_AGENT_COMMAND_* and FLOTILLA_SANDBOX_*;
 * - the agent credentials it takes (contracts AGENT_CREDENTIAL_ENV; the daemon moves them out of
 *   its own environment at start and hands them only to agents), and the names
 *   AGENT_ENV_PASSTHROUGH lists (the daemon hands those to agents);
 * - then what the local cloud sets for the node itself ({@link SET_BY_LOCAL_CLOUD}: its id,
 *   control plane, token file, data directory and address), which nothing above can replace;
 *   and FLOTILLA_SANDBOX_HIDE extended with the directories no agent may see (the CLI's state
 *   directory: server.json with the API token, secrets.env, the control plane's D1).
 */
import { AGENT_CREDENTIAL_ENV, type WarmAgentSpec } from '@flotilla/contracts';

/** Basic process settings a node daemon takes from the CLI's environment when set. */
export const BASE_VARIABLES = ['PATH', 'HOME', 'USER', 'SHELL', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/**
 * The node daemon's documented settings (packages/node-daemon config.ts, outbox/config.ts,
 * logging.ts; the README's "Node daemon" table) that a local node takes from the CLI's
 * environment. Not its address or TLS (a local node listens on loopback where the local cloud
 * says) nor what {@link SET_BY_LOCAL_CLOUD} names.
 */
export const DAEMON_SETTINGS = [
  'FLOTILLA_LOG_LEVEL',
  'FLOTILLA_UNSAFE_NO_SANDBOX',
  'FLOTILLA_BWRAP',
  'FLOTILLA_SOCAT',
  'FLOTILLA_EGRESS_ALLOW',
  'FLOTILLA_EGRESS_ALLOW_ADDRESSES',
  'EGRESS_CONNECT_TIMEOUT_MS',
  'MODEL_GATEWAY_REQUEST_TIMEOUT_MS',
  'MODEL_GATEWAY_MAX_BODY_BYTES',
  'NODE_HEARTBEAT_INTERVAL_MS',
  'GIT_CLONE_TIMEOUT_MS',
  'GIT_PUSH_TIMEOUT_MS',
  'GIT_COMMAND_TIMEOUT_MS',
  'DIFF_STAT_MAX_FILES',
  'DIFF_PATCH_MAX_BYTES',
  'ACP_INITIALIZE_TIMEOUT_MS',
  'CALLBACK_RETRY_MAX_ELAPSED_MS',
  'CALLBACK_RETRY_INITIAL_INTERVAL_MS',
  'CALLBACK_RETRY_MAX_INTERVAL_MS',
  'CALLBACK_REQUEST_TIMEOUT_MS',
  'TASK_CALLBACK_DRAIN_TIMEOUT_MS',
  'AGENT_ENV_PASSTHROUGH',
  'AGENT_STDERR_TAIL_BYTES',
  'AGENT_EXIT_GRACE_MS',
  'AGENT_KILL_TIMEOUT_MS',
  'AGENT_CANCEL_GRACE_MS',
  'PERMISSION_REQUEST_TIMEOUT_MS',
  'GITHUB_TOKEN',
  'GITHUB_API_URL',
  'GITHUB_REQUEST_TIMEOUT_MS',
  'AGENT_UPDATE_BUFFER_SIZE',
  'TERMINAL_IDLE_TIMEOUT_MS',
  'AGENT_STREAM_MAX_BUFFERED_BYTES',
  'MSG_BATCH_MAX_SIZE',
  'MSG_BATCH_MAX_BYTES',
  'MSG_BATCH_MAX_WAIT_MS',
  'MSG_OUTBOX_MAX_SIZE',
  'MSG_RETRY_INITIAL_INTERVAL_MS',
  'MSG_RETRY_MAX_INTERVAL_MS',
  'MSG_RETRY_MAX_ELAPSED_TIME_MS',
  'MSG_DRAFT_INTERVAL_MS',
  'CHAT_TOOL_OUTPUT_MAX_BYTES',
  'SESSION_ARCHIVE_MAX_BYTES',
] as const;

/** Families of daemon settings, by prefix: agent-command overrides and the sandbox's directories. */
export const DAEMON_SETTING_PREFIXES = ['FLOTILLA_AGENT_COMMAND_', 'FLOTILLA_SANDBOX_'] as const;

/** What the local cloud sets for each node; never taken from the CLI's environment. */
export const SET_BY_LOCAL_CLOUD = [
  'FLOTILLA_NODE_ID',
  'FLOTILLA_CONTROL_PLANE_URL',
  'FLOTILLA_CALLBACK_TOKEN',
  'FLOTILLA_CALLBACK_TOKEN_FILE',
  'FLOTILLA_DATA_DIR',
  'FLOTILLA_HOST',
  'FLOTILLA_PORT',
  'FLOTILLA_PUBLIC_URL',
  'FLOTILLA_TLS_CERT_FILE',
  'FLOTILLA_TLS_KEY_FILE',
  'FLOTILLA_WARM_AGENT',
] as const;

const HIDE = 'FLOTILLA_SANDBOX_HIDE';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The node's own settings, set by the local cloud. */
export interface NodeSettings {
  nodeId: string;
  controlPlaneUrl: string;
  callbackTokenFile: string;
  dataDir: string;
  /** Port the daemon listens on, on 127.0.0.1 (kept across restarts: the node's URL stays the same). */
  port: number;
  /** FLOTILLA_WARM_AGENT (issue 15): the warm agent the control plane provisioned the node with. */
  warmAgent?: WarmAgentSpec;
}

/** The names AGENT_ENV_PASSTHROUGH lists in `source` (malformed entries are left for the daemon to refuse). */
function passthroughNames(source: NodeJS.ProcessEnv): string[] {
  return (source.AGENT_ENV_PASSTHROUGH ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => ENV_NAME.test(name));
}

/** Whether a node daemon takes `name` from the CLI's environment (see the file's comment). */
export function isNodeDaemonVariable(name: string, passthrough: readonly string[] = []): boolean {
  if ((SET_BY_LOCAL_CLOUD as readonly string[]).includes(name)) return false;
  return (
    (BASE_VARIABLES as readonly string[]).includes(name) ||
    (DAEMON_SETTINGS as readonly string[]).includes(name) ||
    DAEMON_SETTING_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
    (AGENT_CREDENTIAL_ENV as readonly string[]).includes(name) ||
    passthrough.includes(name)
  );
}

/** Where a node daemon's environment comes from. */
export interface NodeEnvSources {
  /** The CLI's environment: only what {@link isNodeDaemonVariable} admits is taken. */
  inherited: NodeJS.ProcessEnv;
  /**
   * Variables handed on as they are, whatever their names, over the inherited ones: settings a
   * caller gives on purpose (a test's git URL rewrite), never the CLI's environment.
   */
  extra?: Readonly<Record<string, string>>;
  /** Absolute directories no agent of the node may see, added to FLOTILLA_SANDBOX_HIDE. */
  hide?: readonly string[];
}

/**
 * The complete environment of one node daemon: what `sources` admit, then the node's own
 * settings, which win over anything else.
 */
export function nodeDaemonEnv(sources: NodeEnvSources, node: NodeSettings): Record<string, string> {
  return { ...sharedNodeEnv(sources), ...nodeOwnEnv(node) };
}

/**
 * The part of a node daemon's environment every node of a local cloud shares: what `sources`
 * admit, with FLOTILLA_SANDBOX_HIDE extended, and none of {@link SET_BY_LOCAL_CLOUD}. A standby
 * daemon (node-standby.ts) is spawned with it.
 */
export function sharedNodeEnv(sources: NodeEnvSources): Record<string, string> {
  const passthrough = passthroughNames({ ...sources.inherited, ...sources.extra });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(sources.inherited)) {
    if (value !== undefined && isNodeDaemonVariable(name, passthrough)) env[name] = value;
  }
  Object.assign(env, sources.extra);
  for (const name of SET_BY_LOCAL_CLOUD) delete env[name];
  const hidden = [...(env[HIDE] ?? '').split(',').map((dir) => dir.trim()), ...(sources.hide ?? [])].filter(Boolean);
  if (hidden.length > 0) env[HIDE] = [...new Set(hidden)].join(',');
  return env;
}

/** The node's own part of its daemon's environment ({@link SET_BY_LOCAL_CLOUD}): its id, control plane, token file, data directory, address, warm agent. */
export function nodeOwnEnv(node: NodeSettings): Record<string, string> {
  return {
    FLOTILLA_NODE_ID: node.nodeId,
    FLOTILLA_CONTROL_PLANE_URL: node.controlPlaneUrl,
    FLOTILLA_CALLBACK_TOKEN_FILE: node.callbackTokenFile,
    FLOTILLA_DATA_DIR: node.dataDir,
    FLOTILLA_HOST: '127.0.0.1',
    FLOTILLA_PORT: String(node.port),
    ...(node.warmAgent ? { FLOTILLA_WARM_AGENT: JSON.stringify(node.warmAgent) } : {}),
  };
}
