/**
 * Git on a workspace checkout, always inside the workspace's sandbox (DESIGN.md §7): the checkout
 * is the agent's — its `.git/config`, hooks, attributes, filters and fsmonitor are the agent's to
 * write — so every git command the daemon runs there runs where the agent itself runs: no
 * credential in its environment, no network, nothing of the daemon's visible, only the checkout
 * (and the node's shared FLOTILLA_SANDBOX_WRITE directories) writable. Hooks, the fsmonitor and
 * signing programs are switched off besides ({@link NO_REPOSITORY_PROGRAMS}); what the checkout's
 * configuration can still start (a clean filter, say) runs contained.
 *
 * The daemon reads a checkout's commits only through {@link CheckoutGit.uploadPackCommand}: git's
 * `upload-pack` serving the checkout from inside the sandbox to a `git fetch` the daemon runs in
 * its own mirror (mirror.ts) — git's own advice for an untrusted repository ("serve the
 * repository as an unprivileged user", git(1) SECURITY).
 */
import { dirname } from 'node:path';
import type { Sandbox, SandboxUnavailable } from '../sandbox/index.js';
import { NO_REPOSITORY_PROGRAMS, runGitProgram } from './git.js';

export interface CheckoutGitOptions {
  /** This node's sandbox, or why it has none (then no git runs on a checkout). */
  sandbox: Sandbox | SandboxUnavailable;
  /** FLOTILLA_SANDBOX_WRITE: directories every sandbox of the node may write. */
  sharedWritable: readonly string[];
  /** PATH inside the sandbox, where `git` is found (default the daemon's own). */
  path?: string;
}

export interface CheckoutGitRun {
  /** Kill git (and its sandbox) after this many milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Directories the command may read besides the checkout (bound read-only), e.g. the mirror it clones. */
  readable?: readonly string[];
}

/** `'value'`, safe in a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export class CheckoutGit {
  private readonly path: string;

  constructor(private readonly options: CheckoutGitOptions) {
    this.path = options.path ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  }

  /**
   * The environment of git in a checkout's sandbox: no configuration but the repository's own
   * (no system or global file), no prompt, no search for a repository above the checkout.
   */
  private env(checkout: string): Record<string, string> {
    return {
      PATH: this.path,
      HOME: checkout,
      LC_ALL: 'C',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CEILING_DIRECTORIES: dirname(checkout),
    };
  }

  private sandbox(): Sandbox {
    const { sandbox } = this.options;
    if (sandbox.kind === 'unavailable') throw new Error(sandbox.reason);
    return sandbox;
  }

  /**
   * Run `git <args>` in `checkout`, inside its sandbox, and return its stdout (untrimmed).
   *
   * @throws Error with the sandbox's reason when this node has none; GitError (git's own words)
   *   on a non-zero exit, a timeout or an abort.
   */
  run(checkout: string, args: readonly string[], options: CheckoutGitRun): Promise<string> {
    const gitArgs = [...NO_REPOSITORY_PROGRAMS, ...args];
    const spec = this.sandbox().wrap({
      command: 'git',
      args: gitArgs,
      cwd: checkout,
      env: this.env(checkout),
      writable: [checkout, ...this.options.sharedWritable],
      readable: options.readable ?? [],
    });
    return runGitProgram(spec.command, spec.args, gitArgs, { cwd: spec.cwd, env: spec.env, timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
  }

  /**
   * For `git fetch --upload-pack=<this> <checkout>`: a shell command running git's upload-pack in
   * `checkout`'s sandbox, with the checkout read-only and nothing else of the daemon's visible.
   * git appends the repository path. The fetch must run with {@link uploadPackEnv}: the sandbox
   * inherits the fetch's environment.
   *
   * @throws Error with the sandbox's reason when this node has none.
   */
  uploadPackCommand(checkout: string): string {
    const spec = this.sandbox().wrap({
      command: 'git',
      args: [...NO_REPOSITORY_PROGRAMS, 'upload-pack'],
      cwd: checkout,
      env: this.env(checkout),
      writable: [],
      readable: [checkout],
    });
    return [spec.command, ...spec.args].map(shellQuote).join(' ');
  }

  /** The environment of a `git fetch` whose upload-pack is {@link uploadPackCommand}: the sandbox's own, nothing of the daemon's. */
  uploadPackEnv(checkout: string): Record<string, string> {
    return this.env(checkout);
  }
}
