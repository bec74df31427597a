/**
 * A user's repository tokens, one per git host: stored encrypted with the same crypto as the
 * other credentials (crypto.ts), shown only masked, and decrypted only to go to a
 * node daemon with a create-workspace request (`CreateWorkspaceRequest.gitCredential`), where
 * git uses it for the clone, the push and the pull request. Never returned by the API nor logged.
 */
import { DEFAULT_GIT_USERNAME, GitCredential, gitHostOf, type CredentialInfo, type PutGitCredentialRequest } from '@flotilla/contracts';
import type { CredentialDeps } from './agent-keys.js';
import { credentialKey, maskSecret, openSecret, sealSecret } from './crypto.js';
import { getSealedCredential, putCredential } from './repository.js';

const context = (userId: string, host: string) => `${userId}:git:${host}`;

/**
 * Store `input.token` (and the username to send with it) encrypted as `userId`'s credential for
 * `host`, replacing any earlier one.
 * @throws FlotillaError 503 when credential storage is not configured
 */
export async function saveGitToken(deps: CredentialDeps, userId: string, host: string, input: PutGitCredentialRequest): Promise<CredentialInfo> {
  const key = await credentialKey(deps.config.credentialsKey);
  const credential: GitCredential = { username: input.username ?? DEFAULT_GIT_USERNAME, token: input.token };
  const sealed = await sealSecret(key, JSON.stringify(credential), context(userId, host));
  return putCredential(deps.db, { userId, kind: 'git', name: host }, sealed, maskSecret(input.token));
}

/**
 * The credential to send with a workspace of `repoUrl` for `userId`: the stored token of the
 * repository's host, or undefined (no token saved, or a URL that takes none).
 * @throws when a stored token cannot be decrypted (storage not configured, or a changed key)
 */
export async function gitCredentialFor(deps: CredentialDeps, userId: string, repoUrl: string): Promise<GitCredential | undefined> {
  const host = gitHostOf(repoUrl);
  if (!host) return undefined;
  const sealed = await getSealedCredential(deps.db, { userId, kind: 'git', name: host });
  if (!sealed) return undefined;
  return GitCredential.parse(JSON.parse(await openSecret(await credentialKey(deps.config.credentialsKey), sealed, context(userId, host))));
}
