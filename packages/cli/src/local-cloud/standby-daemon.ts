/**
 * The local cloud's standby node daemon (issue 15): a node-daemon process spawned ahead of any
 * node with contracts NODE_DAEMON_STANDBY_FLAG and the environment every node shares
 * (node-env.ts `sharedNodeEnv`). It starts Node.js and loads the daemon's code — on this machine
 * about 200 ms of CPU, most of a local node's start — and then waits. The next node created
 * takes it ({@link StandbyDaemon.claim}): it gets the node's own settings as one JSON line on its
 * stdin (node-daemon standby.ts), its log becomes the node's `daemon.log`, and from then on it is
 * that node's daemon like any other (node-process.ts).
 *
 * What it holds is what every node daemon of the local cloud holds (the agents' credentials,
 * which the daemon moves out of its environment when it starts); it listens on nothing and runs
 * no agent until it is a node. Its stdin is a pipe from the CLI: when the CLI goes, it exits.
 */
import { NODE_DAEMON_STANDBY_FLAG, type NodeStandbyConfig } from '@flotilla/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

let standbyCount = 0;

export class StandbyDaemon {
  private running = true;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** Where the standby logs until a node takes it (then renamed to the node's `daemon.log`). */
    private readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    void this.exited.then(() => (this.running = false));
    // A standby that died leaves a closed pipe: a late write must not crash the CLI.
    child.stdin?.on('error', () => (this.running = false));
  }

  /**
   * Spawn a standby daemon in its own process group (like a node: node-process.ts).
   * @param command the node daemon's command (`[node, …/node-daemon.mjs]`); the flag is appended
   * @param env the environment every node of the local cloud shares (node-env.ts `sharedNodeEnv`)
   * @param dataDir the local cloud's data directory; the standby logs under `<dataDir>/.standby/`
   * @throws Error when `command` is empty
   */
  static spawn(command: readonly string[], env: Record<string, string>, dataDir: string): StandbyDaemon {
    const [executable, ...args] = command;
    if (!executable) throw new Error('daemonCommand is empty');
    const dir = join(dataDir, '.standby');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    standbyCount += 1;
    const logFile = join(dir, `${process.pid}-${standbyCount}.log`);
    const logFd = openSync(logFile, 'a');
    const child = spawn(executable, [...args, NODE_DAEMON_STANDBY_FLAG], { detached: true, stdio: ['pipe', logFd, logFd], env });
    closeSync(logFd);
    return new StandbyDaemon(child, logFile);
  }

  /** The standby's pid while it runs and no node took it, else null. */
  get pid(): number | null {
    return this.running && this.child.pid !== undefined ? this.child.pid : null;
  }

  /**
   * Make the standby the daemon of a node: its log is moved to `nodeLogFile`, and `ownEnv` (the
   * node's own variables, node-env.ts `nodeOwnEnv`) is written to its stdin, which is then closed.
   * @returns the standby's process, now the node's daemon; null when the standby is gone or
   *   `nodeLogFile` exists already (a node started before keeps its log; it is started anew instead)
   */
  claim(ownEnv: Record<string, string>, nodeLogFile: string): ChildProcess | null {
    if (this.pid === null || !this.child.stdin?.writable || existsSync(nodeLogFile)) return null;
    this.running = false;
    renameSync(this.logFile, nodeLogFile);
    const config: NodeStandbyConfig = { env: ownEnv };
    this.child.stdin.end(`${JSON.stringify(config)}\n`);
    return this.child;
  }

  /** Stop a standby no node took (SIGKILL to its group: it holds no state) and remove its log; resolves when it exited. */
  async stop(): Promise<void> {
    if (this.pid === null) return;
    this.running = false;
    this.child.stdin?.destroy();
    try {
      process.kill(-(this.child.pid as number), 'SIGKILL');
    } catch {
      // gone already
    }
    await this.exited;
    rmSync(this.logFile, { force: true }); // it never was a node: nothing in it to keep
  }
}
