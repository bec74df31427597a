/**
 * One agent OS process: spawned with piped stdio (ACP runs over stdin/stdout), its stderr tail
 * kept for failure reports, stopped with SIGTERM then SIGKILL.
 *
 * The agent runs in its own process group so that stopping it also stops what it started
 * (shells, the native Claude Code binary).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnAgentOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Bytes of stderr to keep (AGENT_STDERR_TAIL_BYTES). */
  stderrTailBytes: number;
}

/** The agent could not be started at all (e.g. the command does not exist). */
export class AgentSpawnError extends Error {
  constructor(command: string, cause: Error) {
    super(`cannot start agent command "${command}": ${cause.message}`, { cause });
    this.name = 'AgentSpawnError';
  }
}

/** A running (or exited) agent process. */
export class AgentProcess {
  /** Resolves once, when the process has exited. */
  readonly exited: Promise<AgentExit>;
  private exitStatus: AgentExit | null = null;
  private stderrChunks: Buffer[] = [];
  private stderrBytes = 0;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    private readonly stderrTailBytes: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
    child.stderr.on('data', (chunk: Buffer) => this.keepStderr(chunk));
    // A closed pipe surfaces as an exit or a closed ACP stream; don't crash the daemon on EPIPE.
    child.stdin.on('error', () => {});
  }

  /**
   * Spawn the agent and wait until the OS has started it.
   *
   * @throws AgentSpawnError when the process cannot be started.
   */
  static spawn(options: SpawnAgentOptions): Promise<AgentProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(options.command, [...options.args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      child.once('error', (error) => reject(new AgentSpawnError(options.command, error)));
      child.once('spawn', () => resolve(new AgentProcess(child, options.stderrTailBytes)));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdin(): Writable {
    return this.child.stdin;
  }

  get stdout(): Readable {
    return this.child.stdout;
  }

  /** The exit status, or null while the process runs. */
  get exit(): AgentExit | null {
    return this.exitStatus;
  }

  /** The last AGENT_STDERR_TAIL_BYTES of stderr, decoded as UTF-8. */
  stderrTail(): string {
    return Buffer.concat(this.stderrChunks).toString('utf8');
  }

  /**
   * Stop the process group: SIGTERM, then SIGKILL after `killTimeoutMs`. Resolves when the
   * process has exited; immediately when it already had.
   */
  async stop(killTimeoutMs: number): Promise<AgentExit> {
    if (this.exitStatus) return this.exitStatus;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), killTimeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.exitStatus || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }

  private keepStderr(chunk: Buffer): void {
    if (this.stderrTailBytes === 0) return;
    this.stderrChunks.push(chunk);
    this.stderrBytes += chunk.length;
    let excess = this.stderrBytes - this.stderrTailBytes;
    while (excess > 0) {
      const first = this.stderrChunks[0]!;
      if (first.length <= excess) {
        this.stderrChunks.shift();
        this.stderrBytes -= first.length;
        excess -= first.length;
      } else {
        this.stderrChunks[0] = first.subarray(excess);
        this.stderrBytes -= excess;
        excess = 0;
      }
    }
  }
}
