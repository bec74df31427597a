/**
 * Create a workspace checkout (DESIGN.md §2, step `workspace_creation`; §7): the daemon's mirror
 * of the project's repository first, with the credentials (mirror.ts); then, inside the
 * workspace's sandbox and without any credential, the checkout cloned from the mirror (objects
 * copied, never hard-linked), the task branch from the base branch, the local identity, and
 * `origin` set to the project's URL (without credentials) — what the agent finds.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CheckoutGit } from './checkout-git.js';
import type { GitHttpAuth } from './git-credentials.js';
import { GitError, redactUrl, runGit } from './git.js';
import { CONTINUED_BRANCH_REF, createMirror, mirrorGitArgs } from './mirror.js';

export interface CheckoutRequest {
  /** The project's repository: a local path or any git URL. */
  repoUrl: string;
  /** Absolute target directory; must not exist yet. */
  path: string;
  /** Absolute path of the workspace's mirror (mirror.ts `mirrorPathFor`); must not exist yet. */
  mirror: string;
  baseBranch: string;
  /** New branch to create from `origin/<baseBranch>` (or, with `continueBranch`, from `origin/<branch>`). */
  branch: string;
  /** A resumed task's: `branch` exists on the remote; check it out as it is (issue 15 item 3). */
  continueBranch?: boolean;
  cloneTimeoutMs: number;
  commandTimeoutMs: number;
  signal?: AbortSignal;
  /** Credentials for an https remote (git-credentials.ts): used for the mirror only. */
  auth?: GitHttpAuth;
  /** git in the workspace's sandbox. */
  checkoutGit: CheckoutGit;
}

/** Identity of the commits the daemon makes. */
export const COMMIT_IDENTITY = { name: 'Flotilla', email: 'flotilla@localhost' } as const;

/**
 * Make the mirror, then clone `path` from it, check out a new `branch` from `origin/<baseBranch>`
 * (with `continueBranch`: from `origin/<branch>`, the branch a resumed task pushed),
 * set the checkout's local user.name / user.email to {@link COMMIT_IDENTITY} and its `origin` to
 * the project's URL. On failure the checkout and the mirror are removed again.
 *
 * @returns the commit the branch starts from (the base commit, as the mirror has it).
 * @throws Error with a readable message (the repo URL without credentials) when any step fails,
 *   including a base branch (or a branch to continue) that does not exist on the remote, or a
 *   node without a sandbox.
 */
export async function createCheckout(request: CheckoutRequest): Promise<string> {
  const { path, signal, checkoutGit } = request;
  const inSandbox = (args: string[], timeoutMs = request.commandTimeoutMs) =>
    checkoutGit.run(path, args, { timeoutMs, readable: [request.mirror], ...(signal ? { signal } : {}) });
  let made = false;
  try {
    const base = await createMirror({
      repoUrl: request.repoUrl,
      mirror: request.mirror,
      baseBranch: request.baseBranch,
      timeoutMs: request.cloneTimeoutMs,
      ...(signal ? { signal } : {}),
      ...(request.auth ? { auth: request.auth } : {}),
    });
    await mkdir(dirname(path), { recursive: true });
    // It may exist, empty: an agent started with the checkout runs in it already (issue 15).
    await mkdir(path, { recursive: true });
    made = true;
    // The local identity goes in with the clone (`--config`): one process less in the sandbox.
    const identity = ['--config', `user.name=${COMMIT_IDENTITY.name}`, '--config', `user.email=${COMMIT_IDENTITY.email}`];
    await inSandbox(['clone', '--quiet', '--no-hardlinks', '--no-checkout', ...identity, '--', request.mirror, '.'], request.cloneTimeoutMs);
    if (request.continueBranch) {
      await requireRemoteBranch(inSandbox, request);
      // What the completion pushes onto (task-branch.ts): recorded in the daemon's mirror, out of the agent's reach.
      await runGit(mirrorGitArgs(request.mirror, ['update-ref', CONTINUED_BRANCH_REF, `refs/heads/${request.branch}`]), { cwd: request.mirror, timeoutMs: request.commandTimeoutMs });
    }
    await inSandbox(['checkout', '--quiet', '-b', request.branch, `origin/${request.continueBranch ? request.branch : request.baseBranch}`]);
    await inSandbox(['remote', 'set-url', 'origin', redactUrl(request.repoUrl)]);
    return base;
  } catch (error) {
    if (made) await rm(path, { recursive: true, force: true });
    await rm(request.mirror, { recursive: true, force: true });
    if (error instanceof GitError) {
      // git echoes the URL it was given; never let credentials in it reach logs or callbacks.
      throw new Error(error.message.split(request.repoUrl).join(redactUrl(request.repoUrl)));
    }
    throw error;
  }
}

/** Fail with a readable message when the branch a resumed task continues is not on the remote. */
async function requireRemoteBranch(inSandbox: (args: string[]) => Promise<unknown>, request: CheckoutRequest): Promise<void> {
  try {
    await inSandbox(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${request.branch}^{commit}`]);
  } catch (error) {
    if (error instanceof GitError && !error.timedOut) throw new Error(`branch "${request.branch}" to continue does not exist in ${redactUrl(request.repoUrl)}`);
    throw error;
  }
}
