/**
 * Asking a git server over http(s) which branches a repository has, the way git itself starts a
 * clone (gitprotocol-http, "Smart Clients"): `GET <url>/info/refs?service=git-upload-pack`, with
 * the stored repository token of the host as HTTP Basic auth, and the pkt-line ref advertisement
 * parsed (pkt-line.ts). Every failure becomes a sentence a user can act on; nothing here throws.
 */
import type { GitCredential, RemoteRefs, RepositoryCheckProblem } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import { NotAnAdvertisementError, parseRefAdvertisement } from './pkt-line.js';

/** What a repository answered: its refs, or the problem and a message naming it. */
export type RefsOutcome = { ok: true; refs: RemoteRefs } | { ok: false; problem: Exclude<RepositoryCheckProblem, 'branch_not_found'>; message: string };

export interface SmartHttpOptions {
  /** Limit of the whole request (answer and body), in ms. */
  timeoutMs: number;
  /** Most bytes of the advertisement read (a repository with more refs is refused as unreadable). */
  maxBytes: number;
  fetch?: typeof fetch;
}

/** `repoUrl` without user info (moved to the credential when none is stored) and the info/refs URL. */
function discoveryRequest(repoUrl: string, credential: GitCredential | undefined): { shown: string; url: string; auth: string | null } {
  const url = new URL(repoUrl);
  const inline = url.username ? { username: decodeURIComponent(url.username), token: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  const shown = url.toString().replace(/\/$/, '');
  const use = credential ?? inline;
  const auth = use ? `Basic ${btoa(`${use.username}:${use.token}`)}` : null;
  return { shown, url: `${shown}/info/refs?service=git-upload-pack`, auth };
}

/**
 * The sentence for a git server's refusal `status` of `shown` (no body: a server's page is not shown).
 * @param hasToken whether a stored repository token was sent
 */
export function refusalMessage(shown: string, host: string, status: number, hasToken: boolean): { problem: 'repository_unreachable' | 'repository_access_denied'; message: string } {
  if (status === 401 || status === 403) {
    const message = hasToken
      ? `${host} answered ${status}: the stored repository token for ${host} is invalid or lacks access to ${shown}`
      : `${host} answered ${status}: ${shown} is private or does not exist; save a repository token for ${host} and try again`;
    return { problem: 'repository_access_denied', message };
  }
  if (status === 404) return { problem: 'repository_unreachable', message: `The repository ${shown} does not exist (${host} answered 404)` };
  return { problem: 'repository_unreachable', message: `The repository ${shown} cannot be read: ${host} answered ${status}` };
}

/** Read at most `maxBytes` of `response`'s body. @returns null when it is longer */
async function boundedBody(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length') ?? 'NaN');
  if (declared > maxBytes) return null;
  const body = new Uint8Array(await response.arrayBuffer());
  return body.length > maxBytes ? null : body;
}

/**
 * The branches of the repository at `repoUrl` (http or https), asked of its git server.
 * @param credential the stored repository token of the URL's host, sent as Basic auth
 */
export async function fetchAdvertisedRefs(repoUrl: string, credential: GitCredential | undefined, options: SmartHttpOptions): Promise<RefsOutcome> {
  const { shown, url, auth } = discoveryRequest(repoUrl, credential);
  const host = new URL(url).host;
  const headers: Record<string, string> = { accept: 'application/x-git-upload-pack-advertisement', 'user-agent': 'git/2 (flotilla repository check)' };
  if (auth) headers.authorization = auth;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const why = timedOut ? `no answer within ${options.timeoutMs / 1000} s` : errorMessage(error);
    return { ok: false, problem: 'repository_unreachable', message: `The repository ${shown} cannot be reached: ${why}` };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, ...refusalMessage(shown, host, response.status, auth !== null) };
  }
  try {
    const body = await boundedBody(response, options.maxBytes);
    if (!body) return { ok: false, problem: 'repository_unreachable', message: `The repository ${shown} advertises more refs than can be read (over ${options.maxBytes} bytes)` };
    return { ok: true, refs: parseRefAdvertisement(body) };
  } catch (error) {
    if (error instanceof NotAnAdvertisementError) {
      return { ok: false, problem: 'repository_unreachable', message: `${shown} is not a git repository: ${host} did not answer git's smart HTTP protocol` };
    }
    return { ok: false, problem: 'repository_unreachable', message: `The repository ${shown} cannot be reached: ${errorMessage(error)}` };
  }
}
