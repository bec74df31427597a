/**
 * One local node of the local cloud (local-cloud.ts): a node-daemon child process in its own
 * process group (so stopping it also stops the agents it started), logging to
 * `<dataDir>/<nodeId>/daemon.log`, with the minimal environment of node-env.ts and a port of
 * its own that it keeps across restarts (so a restarted daemon announces the same URL).
 */
import type { LocalCloudNode, WarmAgentSpec } from '@flotilla/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeDaemonEnv, nodeOwnEnv, type NodeEnvSources, type NodeSettings } from './node-env.js';
import type { StandbyDaemon } from './standby-daemon.js';

export interface SpawnNodeInput {
  nodeId: string;
  controlPlaneUrl: string;
  callbackToken: string;
  dataDir: string;
  command: readonly string[];
  /** Where the daemon's environment comes from (node-env.ts). */
  env: NodeEnvSources;
  /** Port the daemon listens on, on 127.0.0.1 (FLOTILLA_PORT), picked when the node was created. */
  port: number;
  /** FLOTILLA_WARM_AGENT: the warm agent the daemon prepares as it announces itself. */
  warmAgent?: WarmAgentSpec;
}

export class NodeProcess {
  private exitCode: number | null = null;
  private exited: Promise<void>;

  private constructor(
    readonly nodeId: string,
    private readonly child: ChildProcess,
    /** What the node was spawned with, so {@link respawn} can start it again the same way. */
    private readonly input: SpawnNodeInput,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 0);
        resolve();
      });
      child.once('error', () => {
        this.exitCode = this.exitCode ?? 127;
        resolve();
      });
    });
  }

  /** The port the daemon listens on (the same after {@link respawn}). */
  get port(): number {
    return this.input.port;
  }

  /** Start the daemon for `input.nodeId` with what cloud-init would give a VM. */
  static spawn(input: SpawnNodeInput): NodeProcess {
    const [command, ...args] = input.command;
    if (!command) throw new Error('daemonCommand is empty');
    const { logFile, settings } = prepareNodeDir(input);
    const logFd = openSync(logFile, 'a');
    const env = nodeDaemonEnv(input.env, settings);
    const child = spawn(command, args, { detached: true, stdio: ['ignore', logFd, logFd], env });
    closeSync(logFd);
    return new NodeProcess(input.nodeId, child, input);
  }

  /**
   * Make `standby` (standby-daemon.ts, spawned with the same command and the environment every
   * node shares) the daemon of `input.nodeId`: the same directory, token file and settings as
   * {@link spawn}, handed to the process already running.
   * @returns null when the standby cannot be used (gone, or the node has a log already); then {@link spawn}
   */
  static fromStandby(input: SpawnNodeInput, standby: StandbyDaemon): NodeProcess | null {
    if (standby.pid === null) return null;
    const { logFile, settings } = prepareNodeDir(input);
    const child = standby.claim(nodeOwnEnv(settings), logFile);
    return child ? new NodeProcess(input.nodeId, child, input) : null;
  }

  /**
   * Start the node again with the same id, data directory, token, environment and port (a
   * machine that reboots). Call after the old process exited; the new process appends to the
   * same log.
   */
  respawn(): NodeProcess {
    return NodeProcess.spawn(this.input);
  }

  /** SIGKILL the node's whole process group at once (a crash: no shutdown code runs). */
  async kill(): Promise<void> {
    if (this.exitCode !== null || this.child.pid === undefined) return;
    signalGroup(this.child.pid, 'SIGKILL');
    await this.exited;
  }

  describe(): LocalCloudNode {
    return {
      nodeId: this.nodeId,
      status: this.exitCode === null ? 'running' : 'exited',
      pid: this.child.pid ?? null,
      exitCode: this.exitCode,
    };
  }

  /** SIGTERM the node's process group, SIGKILL it after `graceMs`; resolves when it exited. */
  async stop(graceMs: number): Promise<void> {
    if (this.exitCode !== null || this.child.pid === undefined) return;
    signalGroup(this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(this.child.pid as number, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Agents the daemon left behind in its group go too.
    signalGroup(this.child.pid, 'SIGKILL');
  }
}

/** Make the node's directory and its 0600 token file; its log file and own settings. */
function prepareNodeDir(input: SpawnNodeInput): { logFile: string; settings: NodeSettings } {
  const nodeDir = join(input.dataDir, input.nodeId);
  mkdirSync(nodeDir, { recursive: true, mode: 0o700 });
  const tokenFile = join(nodeDir, 'callback-token');
  writeFileSync(tokenFile, input.callbackToken, { mode: 0o600 });
  const settings: NodeSettings = { nodeId: input.nodeId, controlPlaneUrl: input.controlPlaneUrl, callbackTokenFile: tokenFile, dataDir: join(nodeDir, 'data'), port: input.port, ...(input.warmAgent ? { warmAgent: input.warmAgent } : {}) };
  return { logFile: join(nodeDir, 'daemon.log'), settings };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}
