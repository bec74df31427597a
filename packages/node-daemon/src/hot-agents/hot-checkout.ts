/**
 * The git half of claiming a hot agent (issue 15): the prepared checkout, cloned when the hot
 * agent was prepared, is brought up to date and put on the task's branch — the daemon's mirror
 * fetches the project's branches with the credentials (mirror.ts: the only repository git runs in
 * with them) while, in the workspace's sandbox and without any credential, the preparation's
 * branch takes the task's name; when the base branch has moved meanwhile, the checkout then fetches
 * it from the mirror and resets the task branch to it.
 */
import type { CheckoutGit } from '../git/checkout-git.js';
import type { GitHttpAuth } from '../git/git-credentials.js';
import { GitError, runGit } from '../git/git.js';
import { mirrorGitArgs, withoutCredentials } from '../git/mirror.js';

export interface HotCheckoutRequest {
  repoUrl: string;
  mirror: string;
  /** The prepared checkout. */
  path: string;
  baseBranch: string;
  /** The task's branch, created (or reset) from `origin/<baseBranch>`. */
  branch: string;
  /** The branch the preparation checked out, renamed or deleted afterwards. */
  preparedBranch: string;
  /** The commit the preparation's branch started from (the base branch then). */
  preparedBase: string | null;
  commandTimeoutMs: number;
  fetchTimeoutMs: number;
  auth?: GitHttpAuth;
  checkoutGit: CheckoutGit;
}

/**
 * Fetch and check out the task branch in a prepared checkout.
 * @returns the commit the task branch starts from
 * @throws Error with a readable message (the URL without credentials) when git fails
 */
export async function checkOutTaskBranch(request: HotCheckoutRequest): Promise<string> {
  const { mirror, path, checkoutGit, baseBranch } = request;
  const local = { cwd: mirror, timeoutMs: request.fetchTimeoutMs, ...(request.auth ? { auth: request.auth } : {}) };
  const inSandbox = (args: string[]) => checkoutGit.run(path, args, { timeoutMs: request.commandTimeoutMs, readable: [mirror] });
  try {
    // Side by side (issue 15: the claim is on the task's path): the mirror's fetch, and the
    // rename, which is right whether or not the base branch moved. Both end before either's
    // failure is reported (no git left running in a checkout about to be removed).
    const [fetched, renamed] = await Promise.allSettled([
      runGit(mirrorGitArgs(mirror, ['fetch', '--quiet', '--no-tags', '--prune', '--', request.repoUrl, '+refs/heads/*:refs/heads/*']), local).then(async () =>
        (await runGit(mirrorGitArgs(mirror, ['rev-parse', '--verify', `refs/heads/${baseBranch}^{commit}`]), local)).trim(),
      ),
      inSandbox(['branch', '--move', request.preparedBranch, request.branch]),
    ]);
    if (fetched.status === 'rejected') throw fetched.reason;
    if (renamed.status === 'rejected') throw renamed.reason;
    const base = fetched.value;
    // The base branch has not moved since the preparation: the renamed branch is the task's.
    if (base === request.preparedBase) return base;
    await inSandbox(['fetch', '--quiet', '--no-tags', '--', mirror, `+refs/heads/${baseBranch}:refs/remotes/origin/${baseBranch}`]);
    await inSandbox(['checkout', '--quiet', '-B', request.branch, `origin/${baseBranch}`]);
    return base;
  } catch (error) {
    if (error instanceof GitError) throw new Error(withoutCredentials(error.message, request.repoUrl));
    throw error;
  }
}
