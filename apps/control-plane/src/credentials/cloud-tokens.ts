/**
 * A user's cloud credentials (issue 6, item 8): saved only after the provider accepted the token
 * (`validateToken`), stored encrypted, read back only to talk to the provider. Never returned by
 * the API nor logged.
 */
import type { CredentialInfo } from '@flotilla/contracts';
import { badRequest } from '@flotilla/kit';
import type { CredentialDeps } from './agent-keys.js';
import { credentialKey, maskSecret, openSecret, sealSecret } from './crypto.js';
import { getSealedCredential, putCredential } from './repository.js';

const context = (userId: string, provider: string) => `${userId}:cloud:${provider}`;

/**
 * Check `token` with the provider, then store it encrypted for `userId`.
 * @param validate asks the provider whether it accepts the token (true/false; throws when it cannot tell)
 * @throws FlotillaError 400 when the provider refuses the token, 503 when storage is not configured
 */
export async function saveCloudToken(deps: CredentialDeps, userId: string, provider: string, token: string, validate: (token: string) => Promise<boolean>): Promise<CredentialInfo> {
  const key = await credentialKey(deps.config.credentialsKey);
  if (!(await validate(token))) throw badRequest(`${provider} refused this token: check that it is a valid API token with read & write permission`);
  const sealed = await sealSecret(key, token, context(userId, provider));
  return putCredential(deps.db, { userId, kind: 'cloud', name: provider }, sealed, maskSecret(token));
}

/** The user's decrypted token for `provider`, or null when none is saved. */
export async function readCloudToken(deps: CredentialDeps, userId: string, provider: string): Promise<string | null> {
  const sealed = await getSealedCredential(deps.db, { userId, kind: 'cloud', name: provider });
  if (!sealed) return null;
  return openSecret(await credentialKey(deps.config.credentialsKey), sealed, context(userId, provider));
}
