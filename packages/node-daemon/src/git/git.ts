/**
 * Run git as a child process. Git never prompts (GIT_TERMINAL_PROMPT=0) and every call has a
 * time limit, so a hung remote cannot hang the daemon. {@link runGit} runs the daemon's own git
 * (its mirrors, DESIGN.md §7); git on a workspace checkout goes through checkout-git.ts, in the
 * workspace's sandbox.
 */
import { execFile } from 'node:child_process';
import { gitAuthEnv, type GitHttpAuth } from './git-credentials.js';

/** The git subcommand in `args`, after git's own options (`-c <name=value>`, `--git-dir=<dir>`, …). */
function subcommandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '-c' || arg === '-C') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return '';
}

/** git exited non-zero, could not start, or ran past its time limit. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    const what = `git ${subcommandOf(args)}`.trim();
    const detail = stderr.trim() || (timedOut ? '' : 'no error output');
    super(timedOut ? `${what} timed out${detail ? `: ${detail}` : ''}` : `${what} failed (exit ${exitCode}): ${detail}`);
    this.name = 'GitError';
  }
}

/**
 * `-c` settings that keep git from starting any program a repository's own configuration names:
 * hooks (`core.hooksPath`, also `.git/hooks`), the fsmonitor, commit and tag signing programs.
 * Command-line configuration wins over every configuration file.
 */
export const NO_REPOSITORY_PROGRAMS: readonly string[] = [
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.fsmonitor=false',
  '-c', 'commit.gpgSign=false',
  '-c', 'tag.gpgSign=false',
];

export interface GitOptions {
  /** Working directory. */
  cwd: string;
  /** Kill git (SIGKILL) after this many milliseconds. */
  timeoutMs: number;
  /** Aborting kills git; the call rejects with a GitError. */
  signal?: AbortSignal;
  /** Credentials for the remote's https origin (git-credentials.ts), when it takes a token. */
  auth?: GitHttpAuth;
  /**
   * The whole environment of git (GIT_TERMINAL_PROMPT and LC_ALL are added); default the
   * daemon's own, so the operator's git settings (proxies, `url.*.insteadOf`, ssh) apply.
   */
  env?: Record<string, string | undefined>;
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Run `git <args>` and return its stdout (untrimmed).
 *
 * @throws GitError on a non-zero exit, a spawn failure, a timeout or an abort.
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<string> {
  const env = { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...(options.auth ? gitAuthEnv(options.auth) : {}) };
  return runGitProgram('git', args, args, { ...options, env });
}

/**
 * Run `program programArgs` — git itself, or git wrapped in a sandbox — with exactly `options.env`,
 * and return its stdout (untrimmed); errors name `gitArgs`, the git command it runs.
 *
 * @throws GitError on a non-zero exit, a spawn failure, a timeout or an abort.
 */
export function runGitProgram(
  program: string,
  programArgs: readonly string[],
  gitArgs: readonly string[],
  options: Omit<GitOptions, 'auth' | 'env'> & { env: Record<string, string | undefined> },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      programArgs,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        signal: options.signal,
        env: options.env,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const timedOut = error.killed === true && !options.signal?.aborted;
        const exitCode = typeof error.code === 'number' ? error.code : null;
        const detail = stderr || (exitCode === null ? error.message : '');
        reject(new GitError(gitArgs, exitCode, detail, timedOut));
      },
    );
  });
}

/** `url` with any `user:password@` removed, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
