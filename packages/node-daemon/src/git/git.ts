/**
 * Run git as a child process. Git never prompts (GIT_TERMINAL_PROMPT=0) and every call has a
 * time limit, so a hung remote cannot hang the daemon.
 */
import { execFile } from 'node:child_process';
import { gitAuthEnv, type GitHttpAuth } from './git-credentials.js';

/** git exited non-zero, could not start, or ran past its time limit. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    const what = `git ${args[0] ?? ''}`.trim();
    const detail = stderr.trim() || (timedOut ? '' : 'no error output');
    super(timedOut ? `${what} timed out${detail ? `: ${detail}` : ''}` : `${what} failed (exit ${exitCode}): ${detail}`);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  /** Working directory. */
  cwd: string;
  /** Kill git (SIGKILL) after this many milliseconds. */
  timeoutMs: number;
  /** Aborting kills git; the call rejects with a GitError. */
  signal?: AbortSignal;
  /** Credentials for the remote's https origin (git-credentials.ts), when it takes a token. */
  auth?: GitHttpAuth;
}

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Run `git <args>` and return its stdout (untrimmed).
 *
 * @throws GitError on a non-zero exit, a spawn failure, a timeout or an abort.
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        signal: options.signal,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...(options.auth ? gitAuthEnv(options.auth) : {}) },
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const timedOut = error.killed === true && !options.signal?.aborted;
        const exitCode = typeof error.code === 'number' ? error.code : null;
        const detail = stderr || (exitCode === null ? error.message : '');
        reject(new GitError(args, exitCode, detail, timedOut));
      },
    );
  });
}

/** `url` with any `user:password@` removed, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
