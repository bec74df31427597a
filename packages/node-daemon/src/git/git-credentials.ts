/**
 * Repository credentials per workspace: the control plane sends one with the create-workspace
 * request when the user saved a token for the repository's host (contracts `GitCredential`).
 * They live in memory only — never in the daemon database, a workspace's `.git/config`, a log,
 * or an agent's environment — and reach git only through {@link gitAuthEnv}, as HTTP
 * `Authorization` for that host. After a daemon restart they are gone: a push then fails and
 * the task completes with that warning (README, "Not there yet").
 */
import type { GitCredential } from '@flotilla/contracts';

/** What git needs to authenticate to one https origin. */
export interface GitHttpAuth {
  /** `https://host[:port]/` — the only URL prefix the header is sent to. */
  origin: string;
  username: string;
  token: string;
}

/**
 * The auth for `repoUrl` with `credential`, or undefined when the URL is not http(s) (local
 * paths, ssh) and so takes no token.
 */
export function httpAuthFor(repoUrl: string, credential: GitCredential): GitHttpAuth | undefined {
  let url: URL;
  try {
    url = new URL(repoUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return { origin: `${url.protocol}//${url.host}/`, username: credential.username, token: credential.token };
}

/**
 * Environment for a git process that authenticates to `auth.origin` with HTTP Basic: git's
 * `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` (git ≥ 2.31) set
 * `http.<origin>.extraHeader` for this process only — not on its command line (visible in `ps`)
 * and not in any config file.
 */
export function gitAuthEnv(auth: GitHttpAuth): Record<string, string> {
  const basic = Buffer.from(`${auth.username}:${auth.token}`, 'utf8').toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${auth.origin}.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}

/** The credentials of the workspaces on this node, in memory. */
export class GitCredentialRegistry {
  private readonly byWorkspace = new Map<string, GitHttpAuth>();

  /** Remember `credential` for `workspaceId`'s repository (ignored for URLs that take none). */
  set(workspaceId: string, repoUrl: string, credential: GitCredential): void {
    const auth = httpAuthFor(repoUrl, credential);
    if (auth) this.byWorkspace.set(workspaceId, auth);
  }

  get(workspaceId: string): GitHttpAuth | undefined {
    return this.byWorkspace.get(workspaceId);
  }

  delete(workspaceId: string): void {
    this.byWorkspace.delete(workspaceId);
  }
}
