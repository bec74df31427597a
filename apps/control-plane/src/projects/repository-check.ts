/**
 * The check of a project's repository and default branch before the project is stored (issue
 * 17, item 3), so a repository nobody can clone is refused at once with a sentence naming the
 * problem, not found out by the first task's `git clone`:
 * - http(s) URLs: the control plane asks the git server itself (smart-http.ts), with the user's
 *   stored repository token for the host;
 * - a path or `file://` URL: the repository lives on this machine, which a Worker cannot read,
 *   so the local cloud runs `git ls-remote` (the local provider's `listRemoteRefs`). A deployment
 *   without a local cloud refuses a path: none of its nodes could clone it.
 * - ssh, git:// and `user@host:path` remotes are not checked: a Worker speaks none of these
 *   protocols, and the node that clones them holds the keys.
 * Refusals are 400 `bad_request` with `details` contracts `RepositoryCheckDetails`; a local cloud
 * that cannot be asked is 503 (the check, not the repository, failed). Limits:
 * REPOSITORY_CHECK_TIMEOUT_MS, REPOSITORY_CHECK_MAX_BYTES. REPOSITORY_CHECK_INSTEAD_OF rewrites the URL
 * first (url-rewrites.ts), as the nodes' git config may; messages name the project's URL.
 */
import type { RemoteRefs, RepositoryCheckDetails } from '@flotilla/contracts';
import { FlotillaError, badRequest, errorMessage, unavailable } from '@flotilla/kit';
import { createLocalProvider } from '@flotilla/providers';
import { setting } from '../config.js';
import type { CredentialDeps } from '../credentials/agent-keys.js';
import { gitCredentialFor } from '../credentials/git-tokens.js';
import { fetchAdvertisedRefs } from './smart-http.js';
import { rewriteUrl } from './url-rewrites.js';

/** How many branch names a "not found" message lists before "and N more". */
const BRANCHES_SHOWN = 10;

/** How `repoUrl` can be checked: over http(s), through the local cloud (a path), or not at all. */
export function checkRouteOf(repoUrl: string): 'http' | 'local' | 'unchecked' {
  if (repoUrl.startsWith('/') || /^file:\/\//i.test(repoUrl)) return 'local';
  if (/^https?:\/\//i.test(repoUrl)) return 'http';
  return 'unchecked';
}

/** The refusal of a repository check: 400 with `details` saying the problem and the field. */
export function repositoryRefusal(message: string, details: RepositoryCheckDetails): FlotillaError {
  return badRequest(message, details);
}

/** "Branch `x` not found in <repo> (branches: a, b)", or null when `branch` is among `refs`. */
export function branchNotFoundMessage(shown: string, branch: string, refs: RemoteRefs): string | null {
  if (refs.branches.includes(branch)) return null;
  if (refs.branches.length === 0) return `Branch \`${branch}\` not found in ${shown}: the repository has no branches yet (push one first)`;
  const listed = refs.branches.slice(0, BRANCHES_SHOWN).join(', ');
  const more = refs.branches.length > BRANCHES_SHOWN ? ` and ${refs.branches.length - BRANCHES_SHOWN} more` : '';
  return `Branch \`${branch}\` not found in ${shown} (branches: ${listed}${more})`;
}

/**
 * The branches of a repository on this machine, asked of the local cloud.
 * @param repoUrl the project's URL, for messages; `target` what is asked (rewritten)
 * @throws FlotillaError 400 or 503
 */
async function localRefs(deps: CredentialDeps, repoUrl: string, target: string): Promise<RemoteRefs> {
  const { localCloudUrl, localCloudSecret } = deps.config;
  if (!localCloudUrl.ok || !localCloudSecret.ok) {
    throw repositoryRefusal(`The repository ${repoUrl} is a path on a machine this deployment cannot reach (it has no local cloud); use a git URL such as https://…`, {
      problem: 'repository_unreachable',
      field: 'repoUrl',
    });
  }
  const provider = createLocalProvider({ cloudUrl: localCloudUrl.value, secret: localCloudSecret.value, requestTimeoutMs: deps.config.REPOSITORY_CHECK_TIMEOUT_MS });
  let answer;
  try {
    answer = await provider.listRemoteRefs!(target);
  } catch (error) {
    throw unavailable(`could not check the repository ${repoUrl}: ${errorMessage(error)}`);
  }
  if (!answer.reachable) {
    throw repositoryRefusal(`The repository ${repoUrl} ${answer.reason}`, { problem: 'repository_unreachable', field: 'repoUrl' });
  }
  return { headBranch: answer.headBranch, branches: answer.branches };
}

/** The branches of an http(s) repository (`target`, rewritten), asked of its git server with `userId`'s stored token for its host. @throws FlotillaError 400 */
async function httpRefs(deps: CredentialDeps, userId: string, repoUrl: string, target: string): Promise<RemoteRefs> {
  const credential = await gitCredentialFor(deps, userId, target).catch((error: unknown) => {
    throw unavailable(`could not read the stored repository token for ${repoUrl}: ${errorMessage(error)}`);
  });
  const outcome = await fetchAdvertisedRefs(target, credential, { timeoutMs: deps.config.REPOSITORY_CHECK_TIMEOUT_MS, maxBytes: deps.config.REPOSITORY_CHECK_MAX_BYTES });
  if (!outcome.ok) throw repositoryRefusal(outcome.message, { problem: outcome.problem, field: 'repoUrl' });
  return outcome.refs;
}

/**
 * Check that `repoUrl` answers as a git repository and has branch `branch`, before a project with
 * them is stored (see the file comment for how each kind of URL is checked).
 * @param field the request field the branch came in (`defaultBranch`), for `details.field`
 * @throws FlotillaError 400 `bad_request` with {@link RepositoryCheckDetails} when the repository
 *   cannot be reached, refuses access, or lacks the branch; 503 when the check itself cannot run
 */
export async function checkRepository(deps: CredentialDeps, userId: string, repoUrl: string, branch: string): Promise<void> {
  const target = rewriteUrl(repoUrl, setting(deps.config.repositoryCheckRewrites));
  const route = checkRouteOf(target);
  if (route === 'unchecked') return;
  const refs = route === 'local' ? await localRefs(deps, repoUrl, target) : await httpRefs(deps, userId, repoUrl, target);
  const shown = repoUrl.replace(/^(https?:\/\/)[^@/]*@/i, '$1');
  const missing = branchNotFoundMessage(shown, branch, refs);
  if (missing) throw repositoryRefusal(missing, { problem: 'branch_not_found', field: 'defaultBranch', branches: refs.branches });
}
