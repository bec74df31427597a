/**
 * Running a command in a sandbox (DESIGN.md §7 "The agent is untrusted"): every agent process,
 * everything it starts, and every git command the daemon runs on a workspace checkout. With
 * bubblewrap (Debian `bubblewrap`) the command gets:
 * - the filesystem read-only, with the policy's hidden directories empty (policy.ts) and only the
 *   directories the caller names writable (the workspace checkout, a HOME and a TMPDIR of its own);
 * - its own user namespace as an unprivileged uid with no capability (so it cannot unmount what
 *   hides a directory), its own PID namespace (it sees only its own processes, and `/proc/*` of
 *   nothing else), IPC and UTS namespaces, a new session (no terminal injection; a terminal's
 *   shell keeps its own PTY, see `interactive`), and it dies with the daemon;
 * - its own network namespace with loopback only: the only ways out are the bridges the caller
 *   asks for — a TCP port on the sandbox's 127.0.0.1 relayed (socat) to a Unix socket of the
 *   daemon (its egress proxy, its model gateway) bound into the sandbox read-only;
 * - exactly the environment the caller gives, nothing inherited.
 * Without bubblewrap the daemon runs nothing unconfined unless the operator opted out
 * (FLOTILLA_UNSAFE_NO_SANDBOX=1): then {@link unconfinedSandbox} runs commands as they are.
 */
import type { NodeSandbox } from '@flotilla/contracts';
import type { SandboxBridge } from './bridge.js';
import { bridgeScript } from './bridge-script.js';
import type { SandboxPolicy } from './policy.js';

/** What to run, and what it may touch. */
export interface SandboxedCommand {
  command: string;
  args: readonly string[];
  /** Working directory (must be one of `writable` or visible read-only). */
  cwd: string;
  /** The complete environment inside. */
  env: Record<string, string>;
  /** Directories bound read-write at their own path (the workspace, its HOME and TMPDIR). */
  writable: readonly string[];
  /** Extra directories bound read-only at their own path. */
  readable?: readonly string[];
  /** Ports on the sandbox's loopback relayed to Unix sockets of the daemon. */
  bridges?: ReadonlyArray<Pick<SandboxBridge, 'port' | 'socket'>>;
  /**
   * A terminal's shell on a PTY of its own: it keeps the PTY as its controlling terminal (job
   * control, Ctrl-C reaching what runs in it) instead of a new session. Safe because nothing
   * outside the sandbox reads that PTY's input: there is no outer shell to inject keystrokes into.
   */
  interactive?: boolean;
  /**
   * A file descriptor the caller opens in the spawned process (usually {@link SANDBOX_STATUS_FD})
   * for the sandbox's status: bubblewrap writes there, as JSON, the pid of the sandbox's own
   * process (`child-pid`), which leads a session and process group of its own (not `interactive`).
   * Not for an interactive command, nor with a bubblewrap older than 0.5 (BubblewrapOptions.statusFd).
   */
  statusFd?: number;
}

/** How to spawn a sandboxed command: the program, its arguments and environment. */
export interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** The fd on which the sandbox writes its status (SandboxedCommand.statusFd), when it does. */
  statusFd?: number;
}

/**
 * The fd an agent's sandbox reports its inner process on (SandboxedCommand.statusFd): bubblewrap
 * whose outer process is killed in its first milliseconds leaves that one running (with what runs
 * in it: the bridges), orphaned before it set its death signal; the daemon kills it when it stops
 * the agent (agents/process/agent-process.ts).
 */
export const SANDBOX_STATUS_FD = 3;

export interface Sandbox {
  /** `bubblewrap`, or `none` when the operator opted out (announced to the control plane). */
  readonly kind: Exclude<NodeSandbox, 'unavailable'>;
  /** How to spawn `cmd` in a sandbox of its own. */
  wrap(cmd: SandboxedCommand): SpawnSpec;
}

/** Where the daemon's sockets of a sandbox appear inside it (one bind, read-only). */
export const SANDBOX_RUN_DIR = '/run/flotilla';

/** The uid and gid a sandboxed command runs as, in its own user namespace (mapped to the daemon's). */
export const SANDBOX_UID = 1000;

export interface BubblewrapOptions {
  /** The bwrap program (FLOTILLA_BWRAP, default `bwrap`). */
  bwrap: string;
  /** The socat program (FLOTILLA_SOCAT, default `socat`). */
  socat: string;
  policy: SandboxPolicy;
  /**
   * Whether this bubblewrap takes `--json-status-fd` (0.5 and later; detect.ts probes it):
   * without it a SandboxedCommand's `statusFd` is ignored (default true).
   */
  statusFd?: boolean;
}

/** The bubblewrap sandbox. The bridges' sockets of one command must share one directory. */
export function bubblewrapSandbox(options: BubblewrapOptions): Sandbox {
  const statusFdOf = (cmd: SandboxedCommand): number | undefined => (options.statusFd !== false && !cmd.interactive ? cmd.statusFd : undefined);
  return {
    kind: 'bubblewrap',
    wrap(cmd) {
      const args: string[] = [
        '--unshare-user', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID),
        '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--unshare-cgroup-try',
        '--cap-drop', 'ALL', '--die-with-parent',
        ...(cmd.interactive ? [] : ['--new-session']),
        ...(statusFdOf(cmd) === undefined ? [] : ['--json-status-fd', String(statusFdOf(cmd))]),
        '--ro-bind', '/', '/',
        '--dev', '/dev', '--proc', '/proc',
      ];
      for (const dir of options.policy.hidden) args.push('--tmpfs', dir);
      for (const dir of options.policy.shownAgain) args.push('--ro-bind-try', dir, dir);
      for (const dir of options.policy.hiddenAgain) args.push('--tmpfs', dir);
      for (const dir of cmd.readable ?? []) args.push('--ro-bind', dir, dir);
      for (const dir of cmd.writable) args.push('--bind', dir, dir);
      const bridges = (cmd.bridges ?? []).map((b) => ({ ...b, socketInSandbox: `${SANDBOX_RUN_DIR}/${basename(b.socket)}` }));
      const socketDirs = [...new Set(bridges.map((b) => dirname(b.socket)))];
      if (socketDirs.length > 1) throw new Error('the bridges of one sandboxed command must have their sockets in one directory');
      if (socketDirs[0]) args.push('--ro-bind', socketDirs[0], SANDBOX_RUN_DIR);
      args.push('--chdir', cmd.cwd, '--');
      if (bridges.length > 0) args.push('/bin/sh', '-c', bridgeScript(options.socat, bridges), 'flotilla-sandbox', cmd.command, ...cmd.args);
      else args.push(cmd.command, ...cmd.args);
      const statusFd = statusFdOf(cmd);
      return { command: options.bwrap, args, env: { ...cmd.env }, cwd: cmd.cwd, ...(statusFd === undefined ? {} : { statusFd }) };
    },
  };
}

/**
 * No sandbox: commands run as they are, with the given environment (FLOTILLA_UNSAFE_NO_SANDBOX=1
 * on a machine without bubblewrap). Bridges need a network namespace of their own and are not
 * made: a caller of an unconfined sandbox gives its command the host-loopback addresses of the
 * daemon's servers instead.
 */
export const unconfinedSandbox: Sandbox = {
  kind: 'none',
  wrap(cmd) {
    return { command: cmd.command, args: [...cmd.args], env: { ...cmd.env }, cwd: cmd.cwd };
  },
};

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}
