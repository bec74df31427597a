/**
 * The control plane's calls to GitHub's REST API (https://docs.github.com/en/rest), made with the
 * repository token saved for github.com (`PUT /api/credentials/git/github.com`): the result
 * comment of a GitHub issue's task (triggers/issue-comments.ts) and "Open pull request" on a
 * completed task (tasks/pull-request.ts). The token goes only to GitHub, in the Authorization
 * header; it is never logged nor answered.
 */
import type { GitCredential } from '@flotilla/contracts';
import { credentialUserFor, taskCreatorId } from '../credentials/credential-user.js';
import { gitCredentialFor } from '../credentials/git-tokens.js';
import type { Deps } from '../deps.js';

/** What the message of a missing github.com token says (the route that saves one). */
export const NO_GITHUB_TOKEN = 'no repository token is saved for github.com (PUT /api/credentials/git/github.com)';

/**
 * The repository token saved for the host of `repoUrl` (github.com for a project on GitHub) by
 * the user whose credentials task `taskId` of project `projectId` runs on
 * (credentials/credential-user.ts), or undefined when they saved none.
 * @throws when a stored token cannot be decrypted (credential storage not configured, or a changed key)
 */
export async function githubCredentialFor(deps: Pick<Deps, 'db' | 'config'>, repoUrl: string, task: { projectId: string; taskId: string }): Promise<GitCredential | undefined> {
  const userId = await credentialUserFor(deps.db, { projectId: task.projectId, creatorId: await taskCreatorId(deps.db, task.taskId) });
  return gitCredentialFor(deps, userId, repoUrl);
}

/**
 * `POST {GITHUB_API_URL}{path}` with `body` as JSON, authorized by `token`, given up after
 * OUTBOUND_REQUEST_TIMEOUT_MS.
 * @param path the API path, e.g. `/repos/acme/widgets/pulls` (its parts already URL-encoded)
 * @returns GitHub's answer, whatever its status (the caller reads it)
 * @throws when GitHub does not answer in time or cannot be reached
 */
export function postToGitHub(deps: Pick<Deps, 'config'>, token: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${deps.config.githubApiUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.github+json',
      'content-type': 'application/json',
      'user-agent': 'flotilla-control-plane',
      'x-github-api-version': '2022-11-28',
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(deps.config.OUTBOUND_REQUEST_TIMEOUT_MS),
  });
}

/** `/repos/{owner}/{repo}` of `owner/repo`, each part URL-encoded; null when `fullName` is not `owner/repo`. */
export function repositoryPath(fullName: string): string | null {
  const [owner, repo, ...rest] = fullName.split('/');
  return owner && repo && rest.length === 0 ? `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}` : null;
}

/**
 * What GitHub said when it refused: its status, its `message` and the messages of its `errors`
 * (e.g. 422 "Validation Failed: A pull request already exists for acme:task/x."), at most 300
 * characters of a body that is not GitHub's JSON.
 */
export async function githubRefusal(response: Response): Promise<string> {
  const text = await response.text();
  let said = text.slice(0, 300);
  try {
    const json = JSON.parse(text) as { message?: unknown; errors?: { message?: unknown }[] };
    if (typeof json.message === 'string') {
      const details = (Array.isArray(json.errors) ? json.errors : []).map((e) => e?.message).filter((m): m is string => typeof m === 'string');
      said = [json.message, ...details].join(': ');
    }
  } catch {
    // not JSON: the text as it came
  }
  return `GitHub answered ${response.status}: ${said}`;
}
