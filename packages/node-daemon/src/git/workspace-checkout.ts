/**
 * Create a workspace checkout: clone, task branch from the base branch, local identity
 * (DESIGN.md §2, step `workspace_creation`).
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GitHttpAuth } from './git-credentials.js';
import { GitError, redactUrl, runGit } from './git.js';

export interface CheckoutRequest {
  /** Local path or any git URL. */
  repoUrl: string;
  /** Absolute target directory; must not exist yet. */
  path: string;
  baseBranch: string;
  /** New branch to create from `origin/<baseBranch>`. */
  branch: string;
  cloneTimeoutMs: number;
  commandTimeoutMs: number;
  signal?: AbortSignal;
  /** Credentials for an https remote (git-credentials.ts). */
  auth?: GitHttpAuth;
}

/** Identity of the commits the daemon makes. */
export const COMMIT_IDENTITY = { name: 'Flotilla', email: 'flotilla@localhost' } as const;

/**
 * Clone `repoUrl` into `path`, check out a new `branch` from `origin/<baseBranch>`, and set the
 * checkout's local user.name / user.email to {@link COMMIT_IDENTITY}. On failure a checkout this
 * call cloned is removed again.
 *
 * @returns the commit the branch starts from (the base commit).
 * @throws Error with a readable message (the repo URL without credentials) when any step fails,
 *   including a base branch that does not exist on the remote.
 */
export async function createCheckout(request: CheckoutRequest): Promise<string> {
  const { path, signal } = request;
  const local = { cwd: path, timeoutMs: request.commandTimeoutMs, signal };
  let cloned = false;
  try {
    await mkdir(dirname(path), { recursive: true });
    await runGit(['clone', '--no-checkout', '--', request.repoUrl, path], {
      cwd: dirname(path),
      timeoutMs: request.cloneTimeoutMs,
      signal,
      ...(request.auth ? { auth: request.auth } : {}),
    });
    cloned = true;
    const baseRef = `refs/remotes/origin/${request.baseBranch}`;
    try {
      await runGit(['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`], local);
    } catch (error) {
      if (error instanceof GitError && !error.timedOut) {
        throw new Error(`base branch "${request.baseBranch}" does not exist in ${redactUrl(request.repoUrl)}`);
      }
      throw error;
    }
    await runGit(['checkout', '-b', request.branch, `origin/${request.baseBranch}`], local);
    await runGit(['config', 'user.name', COMMIT_IDENTITY.name], local);
    await runGit(['config', 'user.email', COMMIT_IDENTITY.email], local);
    return (await runGit(['rev-parse', 'HEAD'], local)).trim();
  } catch (error) {
    // git clone cleans up after itself; after it, the checkout is ours to remove.
    if (cloned) await rm(path, { recursive: true, force: true });
    if (error instanceof GitError) {
      // git echoes the URL it was given; never let credentials in it reach logs or callbacks.
      throw new Error(error.message.split(request.repoUrl).join(redactUrl(request.repoUrl)));
    }
    throw error;
  }
}
