/**
 * Commit what the agent left in a workspace and push the task branch (DESIGN.md §2 hop 5:
 * "the daemon commits what the agent left, pushes the task branch").
 */
import type { GitHttpAuth } from './git-credentials.js';
import { GitError, runGit } from './git.js';

export interface TaskBranchRequest {
  /** The workspace checkout. */
  cwd: string;
  /** Task branch, checked out in `cwd`. */
  branch: string;
  /** Commit (or ref) the branch started from; the task's changes are `base..HEAD`. */
  base: string;
  commitMessage: string;
  commandTimeoutMs: number;
  pushTimeoutMs: number;
  /** Credentials for an https `origin` (git-credentials.ts), used by `ls-remote` and `push`. */
  auth?: GitHttpAuth;
}

export interface TaskBranchResult {
  /** False when HEAD is still the base commit and nothing was left uncommitted. */
  changed: boolean;
  /** HEAD after committing; null when nothing changed. */
  commitSha: string | null;
  /** `git diff --name-only base..HEAD`. */
  filesChanged: string[];
  /** True when the push to `origin` succeeded. */
  pushed: boolean;
  /**
   * The remote branch name pushed to (or tried): `branch`, or `branch-2`, `branch-3`, … when
   * that name was already taken on the remote. Null when nothing changed.
   */
  pushedBranch: string | null;
  /** Why the push failed (git's own words), when it did. */
  pushError: string | null;
}

async function hasStagedChanges(cwd: string, timeoutMs: number): Promise<boolean> {
  try {
    await runGit(['diff', '--cached', '--quiet'], { cwd, timeoutMs });
    return false;
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return true;
    throw error;
  }
}

/**
 * Stage everything (`git add -A`), commit it when anything is staged, and — when the branch
 * moved past `base` (by this commit or by commits the agent made itself) — push it to `origin`.
 * A rejected or failed push does not throw: it is reported in `pushError`.
 *
 * @throws GitError when a local git command fails (add, commit, rev-parse, diff).
 */
export async function commitAndPushTaskBranch(request: TaskBranchRequest): Promise<TaskBranchResult> {
  const local = { cwd: request.cwd, timeoutMs: request.commandTimeoutMs };
  await runGit(['add', '-A'], local);
  if (await hasStagedChanges(request.cwd, request.commandTimeoutMs)) {
    await runGit(['commit', '--quiet', '--no-verify', '-m', request.commitMessage], local);
  }
  const head = (await runGit(['rev-parse', 'HEAD'], local)).trim();
  const base = (await runGit(['rev-parse', `${request.base}^{commit}`], local)).trim();
  if (head === base) {
    return { changed: false, commitSha: null, filesChanged: [], pushed: false, pushedBranch: null, pushError: null };
  }
  const filesChanged = (await runGit(['diff', '--name-only', `${base}..${head}`], local))
    .split('\n')
    .filter((line) => line.length > 0);
  let target = request.branch;
  try {
    target = await freeRemoteBranchName(request.cwd, request.branch, request.pushTimeoutMs, request.auth);
    await runGit(['push', '--quiet', 'origin', `${request.branch}:refs/heads/${target}`], {
      cwd: request.cwd,
      timeoutMs: request.pushTimeoutMs,
      ...(request.auth ? { auth: request.auth } : {}),
    });
    return { changed: true, commitSha: head, filesChanged, pushed: true, pushedBranch: target, pushError: null };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { changed: true, commitSha: head, filesChanged, pushed: false, pushedBranch: target, pushError: error.message };
  }
}

/**
 * The first of `branch`, `branch-2`, `branch-3`, … that does not exist on `origin`
 * (`git ls-remote --heads origin`), so a push never overwrites a branch someone else made.
 *
 * @throws GitError when the remote cannot be listed.
 */
export async function freeRemoteBranchName(cwd: string, branch: string, timeoutMs: number, auth?: GitHttpAuth): Promise<string> {
  const listing = await runGit(['ls-remote', '--heads', 'origin'], { cwd, timeoutMs, ...(auth ? { auth } : {}) });
  const taken = new Set(
    listing
      .split('\n')
      .map((line) => line.split('\t')[1]?.trim())
      .filter((ref): ref is string => ref !== undefined && ref.startsWith('refs/heads/'))
      .map((ref) => ref.slice('refs/heads/'.length)),
  );
  if (!taken.has(branch)) return branch;
  for (let suffix = 2; ; suffix += 1) {
    const candidate = `${branch}-${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
