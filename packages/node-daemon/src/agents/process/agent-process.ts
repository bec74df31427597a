/**
 * One agent OS process: spawned with piped stdio (ACP runs over stdin/stdout), its stderr tail
 * kept for failure reports, stopped with SIGTERM then SIGKILL.
 *
 * The agent runs in its own process group so that stopping it also stops what it started
 * (shells, the native Claude Code binary). In a bubblewrap sandbox, what runs inside is a PID
 * namespace whose first process is bubblewrap's inner one, in a session of its own
 * (`--new-session`); its pid comes on the sandbox's status fd (sandbox.ts SANDBOX_STATUS_FD).
 * Bubblewrap's outer process killed in the first milliseconds can leave that inner one running
 * (orphaned before it set its death signal), with what it started. So a stop waits until the
 * sandbox said its pid, and once the agent's process exited, SIGKILLs the inner one if it is still
 * the same process: its PID namespace, and all in it, go with it.
 */
import { type ChildProcessByStdio, type IOType, spawn, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
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
  /** The fd the sandbox writes its status on (sandbox.ts SpawnSpec.statusFd), when it does. */
  sandboxStatusFd?: number;
}

/** When process `pid` started (field 22 of /proc/<pid>/stat, in clock ticks since boot), or null when there is none. Linux. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after its last `)`.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
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
  /** The sandbox's inner process (its status's `child-pid`) and its start time; null until it is known, or without one. */
  private sandboxInit: { pid: number; startTime: string } | null = null;
  /** Resolves once the sandbox's status said its inner process, or ended without it; null: no status. */
  private readonly sandboxKnown: Promise<void> | null;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    private readonly stderrTailBytes: number,
    sandboxStatus: Readable | null,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
    this.sandboxKnown = sandboxStatus ? this.readSandboxInit(sandboxStatus) : null;
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
      const statusFd = options.sandboxStatusFd;
      const stdio: StdioOptions = ['pipe', 'pipe', 'pipe', ...(statusFd === undefined ? [] : [...Array.from({ length: statusFd - 3 }, (): IOType => 'ignore'), 'pipe' as const])];
      const child = spawn(options.command, [...options.args], { cwd: options.cwd, env: options.env, stdio, detached: true }) as unknown as ChildProcessByStdio<Writable, Readable, Readable>;
      child.once('error', (error) => reject(new AgentSpawnError(options.command, error)));
      const status = statusFd === undefined ? null : ((child.stdio[statusFd] as Readable | null | undefined) ?? null);
      child.once('spawn', () => resolve(new AgentProcess(child, options.stderrTailBytes, status)));
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
    if (this.exitStatus) {
      this.killSandboxLeftover();
      return this.exitStatus;
    }
    // Killed before it said its inner process, the sandbox could leave that one running: wait
    // for it (bubblewrap writes it as soon as it cloned, or exits first), at most `killTimeoutMs`.
    if (this.sandboxKnown && this.sandboxInit === null) {
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([this.sandboxKnown, this.exited, new Promise((resolve) => (waited = setTimeout(resolve, killTimeoutMs)))]);
      clearTimeout(waited);
    }
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), killTimeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      this.killSandboxLeftover();
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

  /**
   * SIGKILL the sandbox's inner process when it outlived the agent's process and is still the
   * one the sandbox named (same start time in /proc: a pid reused since is left alone). It is the
   * first process of the sandbox's PID namespace: the kernel kills the rest with it.
   */
  private killSandboxLeftover(): void {
    const init = this.sandboxInit;
    if (!init || processStartTime(init.pid) !== init.startTime) return;
    try {
      process.kill(init.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }

  /**
   * Read the sandbox's status lines (bubblewrap `--json-status-fd`) for its `child-pid`: the first
   * one only (bubblewrap writes it once, before the command runs; the fd is not the command's).
   */
  private readSandboxInit(status: Readable): Promise<void> {
    return new Promise((resolve) => {
      status.on('error', () => resolve());
      const lines = createInterface({ input: status });
      lines.on('line', (line) => {
        if (this.sandboxInit) return;
        try {
          const childPid = (JSON.parse(line) as { 'child-pid'?: unknown })['child-pid'];
          const startTime = typeof childPid === 'number' && Number.isInteger(childPid) && childPid > 1 ? processStartTime(childPid) : null;
          if (typeof childPid === 'number' && startTime !== null) {
            this.sandboxInit = { pid: childPid, startTime };
            resolve();
          }
        } catch {
          // not a status line we read
        }
      });
      lines.once('close', () => resolve());
    });
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
