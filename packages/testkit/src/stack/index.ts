/**
 * Test helpers that boot the whole Flotilla stack — control plane under wrangler, the local
 * cloud, real node daemons — on free ports, with a throwaway state directory, and tear it down
 * leaving no process behind. Capability tests then drive it only through the public API or CLI.
 * The node daemons run the scripted agent for every agent type unless a test asks for the real
 * agents (`agents: 'real'`, see scripted-agent/agent-override.ts).
 */
import { FlotillaClient, startStack, type Stack } from '@flotilla/cli';
import { TERMINAL_TASK_STATUSES, type ManualWorkspace, type TaskWithEvents } from '@flotilla/contracts';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentOverrideEnv, type TestAgents } from '../scripted-agent/agent-override.js';

export interface TestStackOptions {
  /**
   * Which agents the node daemons run: `scripted` (default) — the scripted agent, whatever agent
   * type a task asks for (the daemons' agent-command override); `real` — the real agents;
   * `{ scripted: types }` — the scripted agent for those agent types, the real agents for the others.
   */
  agents?: TestAgents;
  /** Extra environment for node daemons, handed on as it is (and, through AGENT_ENV_PASSTHROUGH, to agents). */
  nodeEnv?: Record<string, string>;
  /** Control-plane vars (timeouts, limits). */
  vars?: Record<string, string>;
  /** Keep the state directory after close (for debugging). */
  keepHome?: boolean;
  /** Require this API token (FLOTILLA_API_TOKEN); `client` then sends it. Default: an open API. */
  apiToken?: string;
  /** Keep a standby node daemon in the local cloud (default: as `flotilla up` does, LOCAL_NODE_STANDBY). */
  standby?: boolean;
}

export interface TestStack {
  url: string;
  home: string;
  client: FlotillaClient;
  stack: Stack;
  /** Directory of a workspace on its node (it exists only while the workspace does). */
  workspaceDir(nodeId: string, workspaceId: string): string;
  /** A node daemon's data directory (FLOTILLA_DATA_DIR: daemon.db with the outbox, workspaces). */
  nodeDataDir(nodeId: string): string;
  /** Stop the control plane (an outage); node daemons keep running. */
  stopControlPlane(): Promise<void>;
  /**
   * Start the control plane again on the same port and state (D1, Durable Objects, alarms);
   * `vars` (optional) replace some control-plane vars from now on.
   */
  startControlPlane(vars?: Record<string, string>): Promise<void>;
  /** SIGKILL a node daemon and its agents (a crash: no shutdown code runs). */
  killNode(nodeId: string): Promise<void>;
  /** Start a node daemon again with the same id, data directory and token. */
  restartNode(nodeId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The environment test nodes take their settings from, as the CLI's would be (the local cloud
 * hands on only what a node daemon needs): this process's, without inherited agent credentials
 * and agent overrides (the test's `agents` decides).
 */
function inheritedNodeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_OAUTH_TOKEN']) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('FLOTILLA_AGENT_COMMAND_')) delete env[name];
  return env;
}

/** Boot a whole stack for a test (see {@link TestStackOptions}); `close()` it in `afterAll`. */
export async function bootTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const home = mkdtempSync(join(tmpdir(), 'flotilla-stack-'));
  const apiToken = options.apiToken ?? null;
  const nodeExtraEnv = { FLOTILLA_LOG_LEVEL: 'debug', ...agentOverrideEnv(options.agents ?? 'scripted'), ...options.nodeEnv };
  const stack = await startStack({ home, nodeEnv: inheritedNodeEnv(), nodeExtraEnv, vars: { STEP_POLL_INTERVAL_MS: '250', ...options.vars }, apiToken, ...(options.standby === undefined ? {} : { standby: options.standby }) });
  return {
    url: stack.url,
    home,
    client: new FlotillaClient(stack.url, undefined, apiToken),
    stack,
    workspaceDir: (nodeId, workspaceId) => join(home, 'nodes', nodeId, 'data', 'workspaces', workspaceId),
    nodeDataDir: (nodeId) => join(home, 'nodes', nodeId, 'data'),
    stopControlPlane: () => stack.stopControlPlane(),
    startControlPlane: (vars) => stack.startControlPlane(vars),
    killNode: (nodeId) => stack.localCloud.killNode(nodeId),
    restartNode: (nodeId) => stack.localCloud.restartNode(nodeId),
    async close() {
      await stack.close();
      if (!options.keepHome) rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Poll a task until it reaches a terminal status.
 * @param timeoutMs give up after this long (ms); the error names the last status and step
 */
export async function waitForTask(client: FlotillaClient, taskId: string, timeoutMs = 120_000): Promise<TaskWithEvents> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await client.getTask(taskId);
    if (TERMINAL_TASK_STATUSES.includes(task.status)) return task;
    if (Date.now() > deadline) {
      throw new Error(`task ${taskId} still ${task.status} at step ${task.executionStep ?? '-'} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Poll `condition` until it holds. For effects that follow a status asynchronously (a completed
 * task's workspace is destroyed by the TaskRunner's cleanup right after the status changes).
 * @param timeoutMs give up after this long (ms), throwing an error that quotes `what`
 */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Poll a workspace created by hand until it is `running`.
 * @throws Error when it goes to `error` (with its message) or is not running within `timeoutMs`
 */
export async function waitForWorkspaceRunning(client: FlotillaClient, projectId: string, workspaceId: string, timeoutMs = 120_000): Promise<ManualWorkspace> {
  let workspace = await client.getWorkspace(projectId, workspaceId);
  await waitUntil(
    'the workspace runs',
    async () => {
      workspace = await client.getWorkspace(projectId, workspaceId);
      if (workspace.status === 'error') throw new Error(`the workspace failed: ${workspace.error ?? '?'}`);
      return workspace.status === 'running';
    },
    timeoutMs,
  );
  return workspace;
}

/** True when a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
/**
 * Pids of this machine's processes whose working directory is `dir` (from `/proc/<pid>/cwd`):
 * how a test finds an agent that runs in a sandbox's PID namespace, where the pid it could print
 * means nothing outside. Processes of other users, or gone while looked at, are skipped.
 */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // not ours to read, or gone
    }
  }
  return pids;
}
export { createGitRepo, git, showFile } from './git.js';
export { pendingOutboxMessageIds, pendingTaskCallbacks, workspaceCallbackToken } from './node-state.js';
export { openSessionViewer, type SessionViewer } from './session-viewer.js';
export { openAgentChannel, type AgentChannel } from './agent-channel.js';

/**
 * Pids of live processes whose environment holds `entry` (e.g. `FLOTILLA_HOME=/tmp/x`), or an
 * entry `entry` accepts when it is a function. Linux.
 */
export function processesWithEnv(entry: string | ((entry: string) => boolean)): number[] {
  const matches = typeof entry === 'string' ? (e: string) => e === entry : entry;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').some(matches)) pids.push(Number(name));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids;
}

/**
 * Pids of live processes of the stack whose state directory is `home` (absolute): the CLI,
 * wrangler and workerd carry `FLOTILLA_HOME=<home>`; node daemons, which get none of the CLI's
 * environment, a FLOTILLA_SANDBOX_HIDE that lists `home` (the stack hides its state from every
 * agent) — a daemon started as the local cloud's standby got its node's FLOTILLA_DATA_DIR on its
 * stdin, after its start, so /proc does not show that one — or a FLOTILLA_DATA_DIR inside `home`
 * (their agents die with them: same process group, and bubblewrap's die-with-parent). An empty
 * answer means nothing was left behind. Linux.
 */
export function processesOfStack(home: string): number[] {
  return processesWithEnv(
    (entry) =>
      entry === `FLOTILLA_HOME=${home}` ||
      entry.startsWith(`FLOTILLA_DATA_DIR=${home}/`) ||
      (entry.startsWith('FLOTILLA_SANDBOX_HIDE=') && entry.slice('FLOTILLA_SANDBOX_HIDE='.length).split(',').includes(home)),
  );
}

/** Pids of the node daemons (node-daemon.mjs, a node's or the standby) among `pids`. Linux. */
export function nodeDaemonsAmong(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith('node-daemon.mjs'));
    } catch {
      return false;
    }
  });
}
export { filesUnder } from './files.js';
export { agentOverrideEnv, SCRIPTED_AGENT_COMMAND, type TestAgents } from '../scripted-agent/agent-override.js';
