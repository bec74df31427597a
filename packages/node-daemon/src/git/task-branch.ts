/**
 * Commit what the agent left in a workspace and push the task branch (DESIGN.md §2 hop 5: "the
 * daemon commits what the agent left, pushes the task branch"), so that git never runs with the
 * credentials on anything the agent wrote (§7):
 * 1. in the workspace's sandbox, no credential, no network: `git add -A`, the "did anything
 *    change" check, and the commit (checkout-git.ts);
 * 2. the daemon fetches the checkout's HEAD into its mirror, served from inside the sandbox
 *    (mirror.ts `fetchCheckoutHead`);
 * 3. from the mirror — hooks and fsmonitor off, only git's own configuration — the daemon reads
 *    the commit and the changed files and pushes the branch to the PROJECT's repository URL,
 *    never to whatever the checkout's `origin` says.
 */
import { DEFAULT_DIFF_PATCH_MAX_BYTES, type DiffStat, type TaskDiffPatch } from '@flotilla/contracts';
import type { CheckoutGit } from './checkout-git.js';
import { readDiffPatch } from './diff-patch.js';
import { computeDiffStat, DEFAULT_DIFF_STAT_MAX_FILES, emptyDiffStat } from './diff-stat.js';
import type { GitHttpAuth } from './git-credentials.js';
import { GitError, runGit } from './git.js';
import { CONTINUED_BRANCH_REF, fetchCheckoutHead, mirrorGitArgs, WORKSPACE_HEAD_REF, withoutCredentials } from './mirror.js';
import { COMMIT_IDENTITY } from './workspace-checkout.js';

export interface TaskBranchRequest {
  /** The workspace checkout (the agent's). */
  checkout: string;
  /** The workspace's mirror (mirror.ts). */
  mirror: string;
  /** The project's repository: where the branch is pushed. */
  repoUrl: string;
  /** Task branch name to push under (or `-2`, `-3`, … when taken). */
  branch: string;
  /** Commit the branch started from; the task's changes are `base..HEAD` (`origin/<b>` names the mirror's `refs/heads/<b>`). */
  base: string;
  /** The branch `base` belongs to, reported in the diff stat (for the compare command). */
  baseBranch?: string;
  /** Most files the diff stat lists (DIFF_STAT_MAX_FILES); default {@link DEFAULT_DIFF_STAT_MAX_FILES}. */
  diffStatMaxFiles?: number;
  /** Most bytes of the patch (DIFF_PATCH_MAX_BYTES); default {@link DEFAULT_DIFF_PATCH_MAX_BYTES}. */
  diffPatchMaxBytes?: number;
  commitMessage: string;
  commandTimeoutMs: number;
  pushTimeoutMs: number;
  /** Credentials for an https repository (git-credentials.ts), used by `ls-remote` and `push` from the mirror only. */
  auth?: GitHttpAuth;
  /** git in the workspace's sandbox. */
  checkoutGit: CheckoutGit;
}

export interface TaskBranchResult {
  /** False when HEAD is still the base commit and nothing was left uncommitted. */
  changed: boolean;
  /** The checkout's HEAD after committing, as fetched into the mirror; null when nothing changed. */
  commitSha: string | null;
  /** `git diff --name-only base HEAD`, computed in the mirror. */
  filesChanged: string[];
  /** What the commit changed against merge-base(base, HEAD), with line counts (diff-stat.ts). */
  diffStat: DiffStat;
  /** The patch of that change, bounded (diff-patch.ts); null when nothing changed or it could not be read. */
  diffPatch: TaskDiffPatch | null;
  /** Why the patch could not be read (git's words), when it could not; the task completes all the same. */
  diffPatchError: string | null;
  /** True when the push to the project's repository succeeded. */
  pushed: boolean;
  /**
   * The remote branch name pushed to (or tried): `branch`, or `branch-2`, `branch-3`, … when
   * that name was already taken on the remote. Null when nothing changed.
   */
  pushedBranch: string | null;
  /** Why the push failed (git's own words, the URL without credentials), when it did. */
  pushError: string | null;
  /**
   * True when the run continued the remote's `branch` (a resumed task's, issue 15 item 3): it
   * existed when the workspace was made and HEAD descends from it, so HEAD is pushed onto it (a
   * fast-forward; git refuses anything else) instead of under a free name.
   */
  continued: boolean;
}

/** Whether the checkout's index differs from HEAD (`git diff --cached --quiet`, in the sandbox). */
async function hasStagedChanges(request: TaskBranchRequest): Promise<boolean> {
  try {
    await request.checkoutGit.run(request.checkout, ['diff', '--cached', '--quiet'], { timeoutMs: request.commandTimeoutMs });
    return false;
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return true;
    throw error;
  }
}

/**
 * Stage everything and commit it when anything is staged — in the sandbox, as
 * {@link COMMIT_IDENTITY} whatever the checkout's configuration says; fetch HEAD into the mirror;
 * and when it moved past `base` (by this commit or by commits the agent made itself) push it from
 * the mirror to the project's repository. A rejected or failed push does not throw: it is
 * reported in `pushError`.
 *
 * @throws GitError when a step on the checkout or in the mirror fails (add, commit, fetch,
 *   rev-parse, diff, merge-base); Error when the node has no sandbox.
 */
export async function commitAndPushTaskBranch(request: TaskBranchRequest): Promise<TaskBranchResult> {
  const { checkout, checkoutGit, mirror } = request;
  const timeouts = { timeoutMs: request.commandTimeoutMs };
  await checkoutGit.run(checkout, ['add', '-A'], timeouts);
  if (await hasStagedChanges(request)) {
    const identity = ['-c', `user.name=${COMMIT_IDENTITY.name}`, '-c', `user.email=${COMMIT_IDENTITY.email}`];
    await checkoutGit.run(checkout, [...identity, 'commit', '--quiet', '--no-verify', '-m', request.commitMessage], timeouts);
  }
  const head = await fetchCheckoutHead({ mirror, checkout, checkoutGit, timeoutMs: request.commandTimeoutMs });
  const inMirror = { cwd: mirror, timeoutMs: request.commandTimeoutMs };
  const base = (await runGit(mirrorGitArgs(mirror, ['rev-parse', '--verify', `${request.base.replace(/^origin\//, 'refs/heads/')}^{commit}`]), inMirror)).trim();
  const continuedTip = await continuedBranchTip(request, head);
  if (head === (continuedTip ?? base)) {
    return { changed: false, commitSha: null, filesChanged: [], diffStat: emptyDiffStat(request.baseBranch ?? null), pushed: false, pushedBranch: null, pushError: null, continued: continuedTip !== null, diffPatch: null, diffPatchError: null };
  }
  const continued = continuedTip !== null;
  const diffStat = await computeDiffStat({
    gitDir: mirror,
    base,
    head,
    baseBranch: request.baseBranch ?? null,
    maxFiles: request.diffStatMaxFiles ?? DEFAULT_DIFF_STAT_MAX_FILES,
    timeoutMs: request.commandTimeoutMs,
  });
  const { diffPatch, diffPatchError } = await readPatch(request, base, head);
  const filesChanged = (await runGit(mirrorGitArgs(mirror, ['diff', '--no-ext-diff', '--no-textconv', '--name-only', base, head]), inMirror))
    .split('\n')
    .filter((line) => line.length > 0);
  let target = request.branch;
  try {
    if (!continued) target = await freeRemoteBranchName(request, request.branch);
    await runGit(mirrorGitArgs(mirror, ['push', '--quiet', '--no-verify', '--', request.repoUrl, `${WORKSPACE_HEAD_REF}:refs/heads/${target}`]), {
      cwd: mirror,
      timeoutMs: request.pushTimeoutMs,
      ...(request.auth ? { auth: request.auth } : {}),
    });
    return { changed: true, commitSha: head, filesChanged, diffStat, diffPatch, diffPatchError, pushed: true, pushedBranch: target, pushError: null, continued };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { changed: true, commitSha: head, filesChanged, diffStat, diffPatch, diffPatchError, pushed: false, pushedBranch: target, pushError: withoutCredentials(error.message, request.repoUrl), continued };
  }
}

/**
 * The commit of the remote's `branch` the workspace was made to continue (the mirror's
 * {@link CONTINUED_BRANCH_REF}, written by the checkout only for a resumed task's workspace), when
 * `head` descends from it: the run continued that branch. Null when the workspace was not made to
 * continue a branch (a fresh task whose name was taken by someone else pushes under a free name)
 * or `head` does not descend from it.
 *
 * @throws GitError when git fails otherwise than "no such ref" / "not an ancestor".
 */
async function continuedBranchTip(request: Pick<TaskBranchRequest, 'mirror' | 'branch' | 'commandTimeoutMs'>, head: string): Promise<string | null> {
  const inMirror = { cwd: request.mirror, timeoutMs: request.commandTimeoutMs };
  let tip: string;
  try {
    tip = (await runGit(mirrorGitArgs(request.mirror, ['rev-parse', '--verify', '--quiet', `${CONTINUED_BRANCH_REF}^{commit}`]), inMirror)).trim();
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return null;
    throw error;
  }
  try {
    await runGit(mirrorGitArgs(request.mirror, ['merge-base', '--is-ancestor', tip, head]), inMirror);
    return tip;
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return null;
    throw error;
  }
}

/** The patch of base..head, or why it could not be read: a patch is a help, never a reason to fail the task. */
async function readPatch(request: TaskBranchRequest, base: string, head: string): Promise<{ diffPatch: TaskDiffPatch | null; diffPatchError: string | null }> {
  try {
    const maxBytes = request.diffPatchMaxBytes ?? DEFAULT_DIFF_PATCH_MAX_BYTES;
    return { diffPatch: await readDiffPatch({ gitDir: request.mirror, base, head, maxBytes, timeoutMs: request.commandTimeoutMs }), diffPatchError: null };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return { diffPatch: null, diffPatchError: error.message };
  }
}

/**
 * The first of `branch`, `branch-2`, `branch-3`, … that does not exist in the project's
 * repository (`git ls-remote --heads <repoUrl>`, from the mirror), so a push never overwrites a
 * branch someone else made.
 *
 * @throws GitError when the remote cannot be listed.
 */
export async function freeRemoteBranchName(request: Pick<TaskBranchRequest, 'mirror' | 'repoUrl' | 'pushTimeoutMs' | 'auth'>, branch: string): Promise<string> {
  const listing = await runGit(mirrorGitArgs(request.mirror, ['ls-remote', '--heads', '--', request.repoUrl]), {
    cwd: request.mirror,
    timeoutMs: request.pushTimeoutMs,
    ...(request.auth ? { auth: request.auth } : {}),
  });
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
