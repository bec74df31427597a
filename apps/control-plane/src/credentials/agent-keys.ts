/**
 * A user's agent API keys (issue 5, settings item 1): stored encrypted with the same crypto as
 * cloud credentials (crypto.ts), shown only masked, and decrypted only to be handed
 * to a node daemon with an agent's start request (`StartAgentSessionRequest.agentCredentials`).
 * Never returned by the API nor logged.
 */
import { AGENT_CATALOG, MODEL_API_SETTINGS, type AgentCredentialOverrides, type AgentType, type CredentialInfo } from '@flotilla/contracts';

/** The variable a stored key of each agent type is handed over as: its model API's first secret. */
const AGENT_API_KEY_ENV = (agentType: AgentType) => MODEL_API_SETTINGS[AGENT_CATALOG[agentType].modelApi].secrets[0];
import type { Deps } from '../deps.js';
import { credentialKey, maskSecret, openSecret, sealSecret } from './crypto.js';
import { getSealedCredential, putCredential } from './repository.js';

/** What credential logic needs: D1 and the encryption key (config `credentialsKey`). */
export type CredentialDeps = Pick<Deps, 'db' | 'config'>;

const context = (userId: string, agentType: AgentType) => `${userId}:agent:${agentType}`;

/**
 * Store `apiKey` encrypted as `userId`'s key for `agentType`, replacing any earlier one.
 * @throws FlotillaError 400 when the agent type takes no API key, 503 when storage is not configured
 */
export async function saveAgentKey(deps: CredentialDeps, userId: string, agentType: AgentType, apiKey: string): Promise<CredentialInfo> {
  const key = await credentialKey(deps.config.credentialsKey);
  const sealed = await sealSecret(key, apiKey, context(userId, agentType));
  return putCredential(deps.db, { userId, kind: 'agent', name: agentType }, sealed, maskSecret(apiKey));
}

/**
 * The credentials to hand the node daemon when it starts an agent of `agentType` for `userId`:
 * the stored key under its environment variable name, or undefined when none is stored (the
 * daemon then uses its own credentials).
 * @throws when a stored key cannot be decrypted (storage not configured, or a changed key)
 */
export async function agentCredentialsFor(deps: CredentialDeps, userId: string, agentType: AgentType): Promise<AgentCredentialOverrides | undefined> {
  const variable = AGENT_API_KEY_ENV(agentType);
  const sealed = await getSealedCredential(deps.db, { userId, kind: 'agent', name: agentType });
  if (!sealed) return undefined;
  const apiKey = await openSecret(await credentialKey(deps.config.credentialsKey), sealed, context(userId, agentType));
  return { [variable]: apiKey };
}
