/**
 * A workspace's mirror: a bare repository the daemon owns, `<dataDir>/mirrors/<workspaceId>.git`
 * (DESIGN.md §7, "Git credentials are used only by the daemon, from a daemon-owned mirror"). It is
 * the only repository git ever runs in with the repository's credentials:
 * - cloned bare from the project's repository with the credentials, with no template (no hooks);
 *   its configuration is written by git and nobody else — not even a remote is kept: the
 *   project's URL is given on every command, so neither a token in the URL nor a rewritten
 *   `origin` can be found in it;
 * - the checkout is cloned from it, in the workspace's sandbox (workspace-checkout.ts);
 * - at the end of a task, the checkout's HEAD is fetched into it through an upload-pack in the
 *   workspace's sandbox (checkout-git.ts) — the mirror is never writable from a sandbox;
 * - the task branch is pushed from it to the project's URL.
 * Every command here runs with hooks and the fsmonitor off ({@link NO_REPOSITORY_PROGRAMS}).
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckoutGit } from './checkout-git.js';
import type { GitHttpAuth } from './git-credentials.js';
import { GitError, NO_REPOSITORY_PROGRAMS, redactUrl, runGit } from './git.js';

/** Where a workspace's fetched HEAD is kept in its mirror (outside refs/heads: never mistaken for a project branch). */
export const WORKSPACE_HEAD_REF = 'refs/flotilla/workspace-head';

/**
 * Where the mirror of a workspace that continues a branch (a resumed task's, `continueBranch`)
 * records the commit it continues. Only the daemon writes it, and only when the control plane
 * asked to continue: a branch of the same name that exists for another reason is never continued.
 */
export const CONTINUED_BRANCH_REF = 'refs/flotilla/continued-branch';

/** `<dataDir>/mirrors/<workspaceId>.git`. */
export function mirrorPathFor(dataDir: string, workspaceId: string): string {
  return join(dataDir, 'mirrors', `${workspaceId}.git`);
}

/** git in `mirror`, the daemon's own repository: hooks and fsmonitor off. */
export function mirrorGitArgs(mirror: string, args: readonly string[]): string[] {
  return [`--git-dir=${mirror}`, ...NO_REPOSITORY_PROGRAMS, ...args];
}

/** Replace every occurrence of `url` in `message` by the URL without credentials. */
export function withoutCredentials(message: string, url: string): string {
  return message.split(url).join(redactUrl(url));
}

export interface MirrorRequest {
  /** The project's repository (a local path or any git URL). */
  repoUrl: string;
  /** Absolute path of the mirror; must not exist yet. */
  mirror: string;
  /** Branch that must exist there; the mirror's HEAD names it. */
  baseBranch: string;
  timeoutMs: number;
  signal?: AbortSignal;
  auth?: GitHttpAuth;
}

/**
 * Create the mirror: a bare clone of the project's repository (every branch and tag), with the
 * credentials, without a remote; its HEAD names `baseBranch`.
 *
 * @returns the commit `baseBranch` points at.
 * @throws Error with a readable message (the URL without credentials) when git fails or the base
 *   branch does not exist; the mirror is removed again.
 */
export async function createMirror(request: MirrorRequest): Promise<string> {
  const { mirror, repoUrl, signal } = request;
  const local = { cwd: dirname(mirror), timeoutMs: request.timeoutMs, ...(signal ? { signal } : {}) };
  await mkdir(dirname(mirror), { recursive: true, mode: 0o700 });
  try {
    // The remote is dropped at once: the project's URL is given on every later command.
    await runGit(['clone', '--quiet', '--bare', '--no-hardlinks', '--template=', '--', repoUrl, mirror], { ...local, ...(request.auth ? { auth: request.auth } : {}) });
    await runGit(mirrorGitArgs(mirror, ['remote', 'remove', 'origin']), local);
    const baseRef = `refs/heads/${request.baseBranch}`;
    let base: string;
    try {
      base = (await runGit(mirrorGitArgs(mirror, ['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`]), local)).trim();
    } catch (error) {
      if (error instanceof GitError && !error.timedOut) throw new Error(`base branch "${request.baseBranch}" does not exist in ${redactUrl(repoUrl)}`);
      throw error;
    }
    await runGit(mirrorGitArgs(mirror, ['symbolic-ref', 'HEAD', baseRef]), local);
    return base;
  } catch (error) {
    await rm(mirror, { recursive: true, force: true });
    if (error instanceof GitError) throw new Error(withoutCredentials(error.message, repoUrl));
    throw error;
  }
}

/**
 * Fetch the checkout's HEAD into the mirror ({@link WORKSPACE_HEAD_REF}). The daemon's fetch runs
 * in the mirror; git's upload-pack serves the checkout from inside the workspace's sandbox, so
 * nothing of the checkout's configuration runs outside it. The objects are checked (`fsckObjects`).
 *
 * @returns the commit fetched.
 * @throws GitError when the checkout cannot be served (no commit, a broken repository) or the
 *   fetch fails; Error when the node has no sandbox.
 */
export async function fetchCheckoutHead(options: { mirror: string; checkout: string; checkoutGit: CheckoutGit; timeoutMs: number }): Promise<string> {
  const { mirror, checkout, checkoutGit } = options;
  const local = { cwd: mirror, timeoutMs: options.timeoutMs };
  await runGit(
    mirrorGitArgs(mirror, [
      '-c', 'fetch.fsckObjects=true',
      'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules',
      `--upload-pack=${checkoutGit.uploadPackCommand(checkout)}`,
      '--', checkout, `+HEAD:${WORKSPACE_HEAD_REF}`,
    ]),
    { ...local, env: checkoutGit.uploadPackEnv(checkout) },
  );
  return (await runGit(mirrorGitArgs(mirror, ['rev-parse', '--verify', `${WORKSPACE_HEAD_REF}^{commit}`]), local)).trim();
}

/** Remove a workspace's mirror (nothing when there is none). */
export async function removeMirror(mirror: string): Promise<void> {
  await rm(mirror, { recursive: true, force: true });
}
