/**
 * Node daemon configuration, read once from the environment.
 *
 * Every default lives in {@link DEFAULTS}; every invalid value is reported as a
 * {@link ConfigError} that names the variable. The table below is the documentation of record
 * (the repository README copies it).
 *
 * | Variable                           | Default              | Meaning                                                    |
 * |------------------------------------|----------------------|------------------------------------------------------------|
 * | FLOTILLA_NODE_ID                   | (required)           | This node's id; `sub` of the management tokens it accepts. |
 * | FLOTILLA_CONTROL_PLANE_URL         | (required)           | Base URL of the control plane (JWKS, callbacks).           |
 * | FLOTILLA_CALLBACK_TOKEN            | (required, or _FILE) | Node-scoped callback JWT (aud `workspace-callback`).       |
 * | FLOTILLA_CALLBACK_TOKEN_FILE       | -                    | File holding that token, read when the above is unset.     |
 * | FLOTILLA_DATA_DIR                  | (required)           | `daemon.db`, `workspaces/<id>`, `mirrors/<id>.git`, `sandboxes/<id>/{home,tmp}`. |
 * | FLOTILLA_HOST                      | 127.0.0.1            | Interface the HTTP server binds.                           |
 * | FLOTILLA_PORT                      | 0 (any free port)    | Port the HTTP server binds.                                |
 * | FLOTILLA_PUBLIC_URL                | http(s)://host:port  | URL reported in `nodeReady`; `{ipv4}`, `{port}` filled in. |
 * | FLOTILLA_TLS_CERT_FILE             | - (plain HTTP)       | PEM certificate (chain): serve HTTPS/WSS. Needs _KEY_FILE. |
 * | FLOTILLA_TLS_KEY_FILE              | - (plain HTTP)       | PEM private key of that certificate. Needs _CERT_FILE.     |
 * | NODE_HEARTBEAT_INTERVAL_MS         | 15000                | Interval of `POST /api/nodes/:id/heartbeat`.               |
 * | GIT_CLONE_TIMEOUT_MS               | 300000               | Limit for `git clone` of a workspace.                      |
 * | GIT_PUSH_TIMEOUT_MS                | 120000               | Limit for `git push` of a task branch.                     |
 * | GIT_COMMAND_TIMEOUT_MS             | 30000                | Limit for local git commands (checkout, commit, …).        |
 * | ACP_INITIALIZE_TIMEOUT_MS          | 60000                | Limit for ACP `initialize`, and again for `session/new`.   |
 * | CALLBACK_RETRY_MAX_ELAPSED_MS      | 120000               | How long nodeReady/workspaceReady failures are retried (the |
 * |                                    |                      | task callback is retried until the control plane decides). |
 * | CALLBACK_RETRY_INITIAL_INTERVAL_MS | 500                  | First backoff delay of a callback retry.                   |
 * | CALLBACK_RETRY_MAX_INTERVAL_MS     | 10000                | Largest backoff delay of a callback retry.                 |
 * | CALLBACK_REQUEST_TIMEOUT_MS        | 30000                | Limit for one callback HTTP request.                       |
 * | TASK_CALLBACK_DRAIN_TIMEOUT_MS     | 120000               | Wait for chat delivery before each task-callback attempt.  |
 * | AGENT_ENV_PASSTHROUGH              | (empty)              | Comma list of extra env names handed to agents.            |
 * | AGENT_STDERR_TAIL_BYTES            | 2048                 | How much of an agent's stderr a failure reports.           |
 * | CHAT_TOOL_OUTPUT_MAX_BYTES         | 65536                | A tool call's output in the chat: its last this many bytes (at most 131072). |
 * | SESSION_ARCHIVE_MAX_BYTES          | 1048576              | Largest archive (gzipped) of an agent's session files sent |
 * |                                    |                      | for a resume with session/load (0: none; at most 1.5 MiB). |
 * | AGENT_EXIT_GRACE_MS                | 2000                 | Wait for an agent's exit code after its stream ends.       |
 * | AGENT_KILL_TIMEOUT_MS              | 5000                 | SIGTERM → SIGKILL delay when stopping an agent.            |
 * | PERMISSION_REQUEST_TIMEOUT_MS      | 300000               | Policy `ask`: unanswered permission request → reject.      |
 * | AGENT_UPDATE_BUFFER_SIZE           | 1000                 | Raw ACP updates kept in memory per agent session.          |
 * | TERMINAL_IDLE_TIMEOUT_MS           | 600000               | A workspace terminal without viewers is closed after this. |
 * | AGENT_STREAM_MAX_BUFFERED_BYTES    | 8388608              | Unsent bytes to one direct-channel viewer before it is cut. |
 * | FLOTILLA_UNSAFE_NO_SANDBOX         | (off)                | 1: run agents unconfined where bubblewrap cannot sandbox.  |
 * | FLOTILLA_BWRAP / FLOTILLA_SOCAT    | bwrap / socat        | The sandbox's programs (sandbox/).                         |
 * | FLOTILLA_SANDBOX_HIDE              | (empty)              | Comma list of directories sandboxes see empty.             |
 * | FLOTILLA_SANDBOX_READ              | (empty)              | Comma list of hidden directories shown again, read-only.   |
 * | FLOTILLA_SANDBOX_WRITE             | (empty)              | Comma list of directories every sandbox may write (shared). |
 * | FLOTILLA_SANDBOX_RUN_DIR           | <tmp>/flotilla-sandboxes-<uid> | Where each sandbox's Unix sockets live (short paths). |
 * | FLOTILLA_EGRESS_ALLOW              | (empty)              | Comma list of hosts (`*.example.com`) every workspace's    |
 * |                                    |                      | egress proxy lets through, besides its own allowlist.      |
 * | FLOTILLA_EGRESS_ALLOW_ADDRESSES    | (empty)              | Comma list of CIDR ranges the egress proxy may connect to  |
 * |                                    |                      | although loopback, link-local or cloud metadata.           |
 * | EGRESS_CONNECT_TIMEOUT_MS          | 30000                | Egress proxy: limit for connecting to an allowed host.     |
 * | MODEL_GATEWAY_REQUEST_TIMEOUT_MS   | 600000               | Model gateway: limit for one model request, answer streamed. |
 * | MODEL_GATEWAY_MAX_BODY_BYTES       | 33554432             | Model gateway: largest request body (Anthropic's own limit). |
 * | FLOTILLA_AGENT_COMMAND_<TYPE>      | (built in)           | JSON array replacing an agent type's command; required for |
 * |                                    |                      | a type without a built-in one (agents/process/agent-commands.ts). |
 * | FLOTILLA_WARM_AGENT                | (none)               | JSON `{workspaceId, agentSessionId, agentType}`: a warm agent |
 * |                                    |                      | to prepare as the daemon announces itself (set by the control plane for |
 * |                                    |                      | a node it provisions; hot-agents/warm-agent-service.ts). |
 *
 * The TLS files are read when the daemon starts (`daemon.ts`), not here; a missing or unreadable
 * one stops the start with an error naming its variable. A self-signed certificate is enough
 * behind Cloudflare's "Full" SSL mode (cloud-init generates one with `originTls`).
 *
 * The callback token is the one the daemon starts with: a newer one the control plane handed in a
 * heartbeat answer and the daemon stored in `daemon.db` wins over it (see `callback-tokens.ts`).
 *
 * Agent credentials are deliberately not part of this object: see `agent-credentials.ts` (only
 * the model gateway uses them).
 */
import { AgentType, WarmAgentSpec, DEFAULT_DIFF_PATCH_MAX_BYTES, DIFF_PATCH_LIMIT_BYTES, SESSION_ARCHIVE_HARD_MAX_BYTES } from '@flotilla/contracts';
import { egressConfig, modelGatewayConfig, sandboxConfig, type EgressConfig, type ModelGatewayConfig, type SandboxConfig } from './config-containment.js';
import { ConfigError, integer, optional, required, url, type Env } from './config-values.js';
import { exampleOfPublicUrl } from './http/public-url.js';
import { DEFAULT_TOOL_OUTPUT_MAX_BYTES } from './agents/chat/tool-output.js';
import { DEFAULT_DIFF_STAT_MAX_FILES } from './git/diff-stat-defaults.js';

/** Largest CHAT_TOOL_OUTPUT_MAX_BYTES: a tool message must fit the control plane's batch body. */
export const CHAT_TOOL_OUTPUT_LIMIT_BYTES = 128 * 1024;

export { ConfigError } from './config-values.js';
export { CONTAINMENT_DEFAULTS, type EgressConfig, type ModelGatewayConfig, type SandboxConfig } from './config-containment.js';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  heartbeatIntervalMs: 15_000,
  gitCloneTimeoutMs: 300_000,
  gitPushTimeoutMs: 120_000,
  gitCommandTimeoutMs: 30_000,
  diffStatMaxFiles: DEFAULT_DIFF_STAT_MAX_FILES,
  diffPatchMaxBytes: DEFAULT_DIFF_PATCH_MAX_BYTES,
  acpInitializeTimeoutMs: 60_000,
  callbackRetryMaxElapsedMs: 120_000,
  callbackRetryInitialIntervalMs: 500,
  callbackRetryMaxIntervalMs: 10_000,
  callbackRequestTimeoutMs: 30_000,
  taskCallbackDrainTimeoutMs: 120_000,
  agentStderrTailBytes: 2048,
  chatToolOutputMaxBytes: DEFAULT_TOOL_OUTPUT_MAX_BYTES,
  sessionArchiveMaxBytes: 1024 * 1024,
  agentExitGraceMs: 2000,
  agentKillTimeoutMs: 5000,
  agentCancelGraceMs: 1000,
  permissionRequestTimeoutMs: 300_000,
  agentUpdateBufferSize: 1000,
  terminalIdleTimeoutMs: 600_000,
  agentStreamMaxBufferedBytes: 8 * 1024 * 1024,
  githubApiUrl: 'https://api.github.com',
  githubRequestTimeoutMs: 30_000,
} as const;


export interface DaemonConfig {
  nodeId: string;
  /** Without a trailing slash. */
  controlPlaneUrl: string;
  /** Node-scoped callback JWT. Never log it. */
  callbackToken: string;
  dataDir: string;
  host: string;
  port: number;
  /** FLOTILLA_PUBLIC_URL (may hold `{ipv4}`/`{port}`), or null to derive it from the bound address. */
  publicUrl: string | null;
  /** FLOTILLA_TLS_CERT_FILE / FLOTILLA_TLS_KEY_FILE (PEM file paths): serve HTTPS; null serves plain HTTP. */
  tls: { certFile: string; keyFile: string } | null;
  heartbeatIntervalMs: number;
  gitCloneTimeoutMs: number;
  gitPushTimeoutMs: number;
  gitCommandTimeoutMs: number;
  /** DIFF_STAT_MAX_FILES: the most changed files a completed task's diff stat lists (the rest only counted). */
  diffStatMaxFiles: number;
  /**
   * DIFF_PATCH_MAX_BYTES: the most bytes of a completed task's patch sent to the control plane
   * (whole files; the others named). At most contracts DIFF_PATCH_LIMIT_BYTES (one D1 value).
   */
  diffPatchMaxBytes: number;
  acpInitializeTimeoutMs: number;
  callbackRetryMaxElapsedMs: number;
  callbackRetryInitialIntervalMs: number;
  callbackRetryMaxIntervalMs: number;
  callbackRequestTimeoutMs: number;
  taskCallbackDrainTimeoutMs: number;
  agentEnvPassthrough: string[];
  agentStderrTailBytes: number;
  /**
   * CHAT_TOOL_OUTPUT_MAX_BYTES: a tool call's output in the chat keeps its last this many bytes.
   * At most {@link CHAT_TOOL_OUTPUT_LIMIT_BYTES}, so one tool message (its JSON at most about
   * twice that) always fits the control plane's 256 KiB batch body.
   */
  chatToolOutputMaxBytes: number;
  /**
   * SESSION_ARCHIVE_MAX_BYTES: the largest archive (gzipped, bytes) of an agent's session files the
   * daemon sends when a task's turn ends (issue 15 item 3; over it: none, and a log line); 0 sends
   * none. At most contracts SESSION_ARCHIVE_HARD_MAX_BYTES. The files read for it may total 16×
   * this before compression.
   */
  sessionArchiveMaxBytes: number;
  agentExitGraceMs: number;
  agentKillTimeoutMs: number;
  /** After ACP `session/cancel`, how long the turn may take to end before the agent is stopped. */
  agentCancelGraceMs: number;
  /** Policy `ask`: a permission request no viewer answers in this time gets the reject option. */
  permissionRequestTimeoutMs: number;
  agentUpdateBufferSize: number;
  /** A workspace terminal with no viewer is closed after this long. */
  terminalIdleTimeoutMs: number;
  /** A direct-channel viewer with more than this many bytes not yet sent to it is disconnected (it resumes by `after`). */
  agentStreamMaxBufferedBytes: number;
  /** GITHUB_TOKEN: opens a pull request for a pushed task branch on GitHub. Never log it. */
  githubToken: string | null;
  /** GITHUB_API_URL, without a trailing slash. */
  githubApiUrl: string;
  /** One GitHub API request (GITHUB_REQUEST_TIMEOUT_MS). */
  githubRequestTimeoutMs: number;
  sandbox: SandboxConfig;
  egress: EgressConfig;
  modelGateway: ModelGatewayConfig;
  /** Command overrides by agent type (argv, first element the executable). */
  agentCommandOverrides: Partial<Record<AgentType, string[]>>;
  /** FLOTILLA_WARM_AGENT: the warm agent to prepare at start, or null. */
  warmAgent: WarmAgentSpec | null;
}

type ReadFile = (path: string) => string;


/** FLOTILLA_PUBLIC_URL, which may hold `{ipv4}` and `{port}` (http/public-url.ts); checked with example values. */
function publicUrlTemplate(env: Env): string | null {
  const raw = optional(env, 'FLOTILLA_PUBLIC_URL');
  if (raw === undefined) return null;
  url({ FLOTILLA_PUBLIC_URL: exampleOfPublicUrl(raw) }, 'FLOTILLA_PUBLIC_URL', true);
  return raw.replace(/\/+$/, '');
}

/** FLOTILLA_TLS_CERT_FILE and FLOTILLA_TLS_KEY_FILE: both (HTTPS) or neither (HTTP); the files are read at start. */
function tlsFiles(env: Env): DaemonConfig['tls'] {
  const certFile = optional(env, 'FLOTILLA_TLS_CERT_FILE');
  const keyFile = optional(env, 'FLOTILLA_TLS_KEY_FILE');
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined) throw new ConfigError('FLOTILLA_TLS_CERT_FILE', 'is required when FLOTILLA_TLS_KEY_FILE is set');
  if (keyFile === undefined) throw new ConfigError('FLOTILLA_TLS_KEY_FILE', 'is required when FLOTILLA_TLS_CERT_FILE is set');
  return { certFile, keyFile };
}

function callbackToken(env: Env, readFile: ReadFile): string {
  const inline = optional(env, 'FLOTILLA_CALLBACK_TOKEN');
  if (inline !== undefined) return inline;
  const file = optional(env, 'FLOTILLA_CALLBACK_TOKEN_FILE');
  if (file === undefined) {
    throw new ConfigError('FLOTILLA_CALLBACK_TOKEN', 'is required (or set FLOTILLA_CALLBACK_TOKEN_FILE)');
  }
  let content: string;
  try {
    content = readFile(file).trim();
  } catch (error) {
    throw new ConfigError('FLOTILLA_CALLBACK_TOKEN_FILE', `cannot read ${file}: ${(error as Error).message}`);
  }
  if (!content) throw new ConfigError('FLOTILLA_CALLBACK_TOKEN_FILE', `${file} is empty`);
  return content;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function nameList(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return [];
  const names = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of names) {
    if (!ENV_NAME.test(entry)) throw new ConfigError(name, `"${entry}" is not a valid environment variable name`);
  }
  return names;
}

/** `claude-code` → `FLOTILLA_AGENT_COMMAND_CLAUDE_CODE`. */
export function agentCommandVariable(agentType: AgentType): string {
  return `FLOTILLA_AGENT_COMMAND_${agentType.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** FLOTILLA_WARM_AGENT: JSON of contracts `WarmAgentSpec`. */
function warmAgent(env: Env): WarmAgentSpec | null {
  const raw = optional(env, 'FLOTILLA_WARM_AGENT');
  if (raw === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('FLOTILLA_WARM_AGENT', 'must be JSON: {"workspaceId":…,"agentSessionId":…,"agentType":…}');
  }
  const spec = WarmAgentSpec.safeParse(parsed);
  if (!spec.success) throw new ConfigError('FLOTILLA_WARM_AGENT', `is not a warm agent: ${spec.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return spec.data;
}

function agentCommandOverrides(env: Env): Partial<Record<AgentType, string[]>> {
  const overrides: Partial<Record<AgentType, string[]>> = {};
  for (const agentType of AgentType.options) {
    const name = agentCommandVariable(agentType);
    const raw = optional(env, name);
    if (raw === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(name, 'must be a JSON array of strings, e.g. ["node","agent.js"]');
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((part): part is string => typeof part === 'string' && part.length > 0)
    ) {
      throw new ConfigError(name, 'must be a non-empty JSON array of non-empty strings');
    }
    overrides[agentType] = parsed;
  }
  return overrides;
}



/**
 * Read and validate the daemon configuration.
 *
 * @param env - the environment (normally `process.env`); not modified.
 * @param readFile - reads FLOTILLA_CALLBACK_TOKEN_FILE (injectable for tests).
 * @throws ConfigError naming the first missing or invalid variable.
 */
export function readConfig(env: Env, readFile: ReadFile): DaemonConfig {
  return {
    nodeId: required(env, 'FLOTILLA_NODE_ID'),
    controlPlaneUrl: url(env, 'FLOTILLA_CONTROL_PLANE_URL', true),
    callbackToken: callbackToken(env, readFile),
    dataDir: required(env, 'FLOTILLA_DATA_DIR'),
    host: optional(env, 'FLOTILLA_HOST') ?? DEFAULTS.host,
    port: integer(env, 'FLOTILLA_PORT', DEFAULTS.port, 0, 65_535),
    publicUrl: publicUrlTemplate(env),
    tls: tlsFiles(env),
    heartbeatIntervalMs: integer(env, 'NODE_HEARTBEAT_INTERVAL_MS', DEFAULTS.heartbeatIntervalMs, 100),
    gitCloneTimeoutMs: integer(env, 'GIT_CLONE_TIMEOUT_MS', DEFAULTS.gitCloneTimeoutMs, 1),
    gitPushTimeoutMs: integer(env, 'GIT_PUSH_TIMEOUT_MS', DEFAULTS.gitPushTimeoutMs, 1),
    gitCommandTimeoutMs: integer(env, 'GIT_COMMAND_TIMEOUT_MS', DEFAULTS.gitCommandTimeoutMs, 1),
    diffStatMaxFiles: integer(env, 'DIFF_STAT_MAX_FILES', DEFAULTS.diffStatMaxFiles, 0),
    diffPatchMaxBytes: integer(env, 'DIFF_PATCH_MAX_BYTES', DEFAULTS.diffPatchMaxBytes, 0, DIFF_PATCH_LIMIT_BYTES),
    acpInitializeTimeoutMs: integer(env, 'ACP_INITIALIZE_TIMEOUT_MS', DEFAULTS.acpInitializeTimeoutMs, 1),
    callbackRetryMaxElapsedMs: integer(env, 'CALLBACK_RETRY_MAX_ELAPSED_MS', DEFAULTS.callbackRetryMaxElapsedMs, 0),
    callbackRetryInitialIntervalMs: integer(
      env,
      'CALLBACK_RETRY_INITIAL_INTERVAL_MS',
      DEFAULTS.callbackRetryInitialIntervalMs,
      0,
    ),
    callbackRetryMaxIntervalMs: integer(env, 'CALLBACK_RETRY_MAX_INTERVAL_MS', DEFAULTS.callbackRetryMaxIntervalMs, 0),
    callbackRequestTimeoutMs: integer(env, 'CALLBACK_REQUEST_TIMEOUT_MS', DEFAULTS.callbackRequestTimeoutMs, 1),
    taskCallbackDrainTimeoutMs: integer(
      env,
      'TASK_CALLBACK_DRAIN_TIMEOUT_MS',
      DEFAULTS.taskCallbackDrainTimeoutMs,
      0,
    ),
    agentEnvPassthrough: nameList(env, 'AGENT_ENV_PASSTHROUGH'),
    agentStderrTailBytes: integer(env, 'AGENT_STDERR_TAIL_BYTES', DEFAULTS.agentStderrTailBytes, 0),
    chatToolOutputMaxBytes: integer(env, 'CHAT_TOOL_OUTPUT_MAX_BYTES', DEFAULTS.chatToolOutputMaxBytes, 0, CHAT_TOOL_OUTPUT_LIMIT_BYTES),
    sessionArchiveMaxBytes: integer(env, 'SESSION_ARCHIVE_MAX_BYTES', DEFAULTS.sessionArchiveMaxBytes, 0, SESSION_ARCHIVE_HARD_MAX_BYTES),
    agentExitGraceMs: integer(env, 'AGENT_EXIT_GRACE_MS', DEFAULTS.agentExitGraceMs, 0),
    agentKillTimeoutMs: integer(env, 'AGENT_KILL_TIMEOUT_MS', DEFAULTS.agentKillTimeoutMs, 0),
    agentCancelGraceMs: integer(env, 'AGENT_CANCEL_GRACE_MS', DEFAULTS.agentCancelGraceMs, 0),
    permissionRequestTimeoutMs: integer(env, 'PERMISSION_REQUEST_TIMEOUT_MS', DEFAULTS.permissionRequestTimeoutMs, 1),
    githubToken: optional(env, 'GITHUB_TOKEN') ?? null,
    githubApiUrl: url(env, 'GITHUB_API_URL', false) ?? DEFAULTS.githubApiUrl,
    githubRequestTimeoutMs: integer(env, 'GITHUB_REQUEST_TIMEOUT_MS', DEFAULTS.githubRequestTimeoutMs, 1),
    agentUpdateBufferSize: integer(env, 'AGENT_UPDATE_BUFFER_SIZE', DEFAULTS.agentUpdateBufferSize, 1),
    terminalIdleTimeoutMs: integer(env, 'TERMINAL_IDLE_TIMEOUT_MS', DEFAULTS.terminalIdleTimeoutMs, 1),
    agentStreamMaxBufferedBytes: integer(env, 'AGENT_STREAM_MAX_BUFFERED_BYTES', DEFAULTS.agentStreamMaxBufferedBytes, 1024),
    sandbox: sandboxConfig(env),
    egress: egressConfig(env),
    modelGateway: modelGatewayConfig(env),
    agentCommandOverrides: agentCommandOverrides(env),
    warmAgent: warmAgent(env),
  };
}
