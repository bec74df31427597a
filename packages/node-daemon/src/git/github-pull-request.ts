/**
 * Opening a pull request for a pushed task branch (issue 4 item 3), through the GitHub REST API
 * with Octokit (`POST /repos/{owner}/{repo}/pulls`), when the project's repository URL is a GitHub
 * repository and a token is configured (GITHUB_TOKEN). Never read from the checkout's `origin`,
 * which is the agent's to rewrite.
 */
import { Octokit } from '@octokit/rest';

export interface GitHubRepository {
  owner: string;
  repo: string;
}

const GITHUB_REMOTE = [
  /^https:\/\/(?:[^@/]+@)?github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/i,
  /^(?:ssh:\/\/)?git@github\.com[:/]([^/]+)\/([^/]+?)(?:\.git)?\/?$/i,
];

/** `{owner, repo}` when `remoteUrl` is a github.com repository (https or ssh form), else null. */
export function parseGitHubRemote(remoteUrl: string): GitHubRepository | null {
  for (const pattern of GITHUB_REMOTE) {
    const match = remoteUrl.trim().match(pattern);
    if (match?.[1] && match[2]) return { owner: match[1], repo: match[2] };
  }
  return null;
}

export interface PullRequestRequest extends GitHubRepository {
  /** GITHUB_API_URL (https://api.github.com). */
  apiUrl: string;
  /** The token; sent only to `apiUrl`. */
  token: string;
  /** The pushed branch. */
  head: string;
  /** The branch it should merge into. */
  base: string;
  title: string;
  body: string;
  /** Limit of the request in milliseconds (GITHUB_REQUEST_TIMEOUT_MS). */
  timeoutMs: number;
}

/**
 * Open the pull request.
 * @returns its web URL (`html_url`)
 * @throws Octokit's RequestError (status and GitHub's message) or a timeout error
 */
export async function openPullRequest(request: PullRequestRequest): Promise<string> {
  const octokit = new Octokit({
    auth: request.token,
    baseUrl: request.apiUrl,
    userAgent: 'flotilla-node-daemon',
    request: { signal: AbortSignal.timeout(request.timeoutMs) },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const { data } = await octokit.rest.pulls.create({
    owner: request.owner,
    repo: request.repo,
    head: request.head,
    base: request.base,
    title: request.title,
    body: request.body,
  });
  return data.html_url;
}
