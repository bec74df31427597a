/**
 * The local cloud's `POST /git/remote-refs` (contracts `localCloudApi.listRemoteRefs`): the
 * branches of a repository on this machine, for the control plane's check of a project's
 * repository (a Worker cannot read this machine's files). Runs `git ls-remote --symref` with
 * execFile (no shell), a timeout, bounded output and no terminal prompt; a git that fails is an
 * answer (`reachable: false` with the reason in plain words), not an HTTP error.
 */
import type { LocalCloudRemoteRefs } from '@flotilla/contracts';
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Limit of one `git ls-remote`, in ms. */
export const DEFAULT_LS_REMOTE_TIMEOUT_MS = 10_000;
/** Most output read from `git ls-remote`, in bytes (a repository with more refs is refused as too big to list). */
export const DEFAULT_LS_REMOTE_MAX_BYTES = 4 * 1024 * 1024;

export interface RemoteRefsOptions {
  /** Default {@link DEFAULT_LS_REMOTE_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Default {@link DEFAULT_LS_REMOTE_MAX_BYTES}. */
  maxBytes?: number;
}

/**
 * The branches of `ls-remote --symref` output: `<sha>\trefs/heads/<name>` lines, and HEAD's
 * `ref: refs/heads/<name>\tHEAD` line.
 */
export function parseLsRemote(output: string): { headBranch: string | null; branches: string[] } {
  let headBranch: string | null = null;
  const branches: string[] = [];
  for (const line of output.split('\n')) {
    const symref = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (symref) headBranch = symref[1]!;
    const branch = /^[0-9a-f]{40,64}\trefs\/heads\/(\S+)$/.exec(line);
    if (branch) branches.push(branch[1]!);
  }
  return { headBranch, branches };
}

/** The first line of git's complaint, without its `fatal: ` prefix. */
function gitComplaint(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^(fatal|error): /, '').trim();
}

/**
 * List the branches of the repository at `repository` (an absolute path or a `file:///` URL).
 * Never throws: every failure is `{reachable: false, reason}`.
 */
export async function listRemoteRefs(repository: string, options: RemoteRefsOptions = {}): Promise<LocalCloudRemoteRefs> {
  let path: string;
  try {
    path = repository.startsWith('file:') ? fileURLToPath(repository) : repository;
  } catch {
    return { reachable: false, reason: 'is not a usable file:// URL' };
  }
  try {
    await stat(path);
  } catch {
    return { reachable: false, reason: 'does not exist' };
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_LS_REMOTE_TIMEOUT_MS;
  return new Promise((resolve) => {
    execFile(
      'git',
      ['ls-remote', '--symref', '--', repository],
      { timeout: timeoutMs, maxBuffer: options.maxBytes ?? DEFAULT_LS_REMOTE_MAX_BYTES, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => {
        if (!error) return resolve({ reachable: true, ...parseLsRemote(stdout) });
        if (error.killed) return resolve({ reachable: false, reason: `did not answer git ls-remote within ${timeoutMs} ms` });
        if ((error as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ reachable: false, reason: 'has more refs than can be listed' });
        const complaint = gitComplaint(stderr);
        resolve({ reachable: false, reason: /not appear to be a git repository|not a git repository/i.test(complaint) ? 'is not a git repository' : `could not be read by git: ${complaint || error.message}` });
      },
    );
  });
}
