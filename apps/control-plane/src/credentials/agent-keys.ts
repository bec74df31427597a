/**
 * A user's agent credentials (issue 5, settings item 1; issue 13, item 2): per agent type an API
 * key — or Claude Code's subscription OAuth token — with the base URL and model of the model API
 * it is for. The whole credential is sealed as JSON with the same crypto as cloud credentials
 * (crypto.ts); the API shows only a mask of the secret, and the base URL and model (stored in
 * clear beside it: neither is secret). It is decrypted only to be handed to a node daemon with an
 * agent's start request (`StartAgentSessionRequest.agentCredentials`), as the variables of the
 * agent's model API (contracts `MODEL_API_SETTINGS`). Never returned by the API nor logged.
 * A key stored before issue 13 is sealed as the bare key string, and still opens as an API key.
 */
import {
  AGENT_CATALOG,
  MODEL_API_SETTINGS,
  PutAgentCredentialRequest,
  type AgentCredentialOverrides,
  type AgentCredentialValues,
  type AgentType,
  type CredentialInfo,
} from '@flotilla/contracts';
import { badRequest } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { credentialKey, maskSecret, openSecret, sealSecret } from './crypto.js';
import { getSealedCredential, putCredential } from './repository.js';

/** What credential logic needs: D1 and the encryption key (config `credentialsKey`). */
export type CredentialDeps = Pick<Deps, 'db' | 'config'>;

/** The variable Claude Code's subscription token goes in: only agents of a model API that takes it accept `oauthToken`. */
const OAUTH_TOKEN_VARIABLE = 'CLAUDE_CODE_OAUTH_TOKEN';

const context = (userId: string, agentType: AgentType) => `${userId}:agent:${agentType}`;

/** The variables of `agentType`'s model API (contracts `MODEL_API_SETTINGS`). */
const settingsOf = (agentType: AgentType) => MODEL_API_SETTINGS[AGENT_CATALOG[agentType].modelApi];

/**
 * Refuse what `agentType` cannot take: an OAuth token for an agent other than Claude Code, a
 * model for one whose model API has no model setting (Claude Code chooses its own).
 * @throws FlotillaError 400 naming what is refused
 */
function checkCredentialFits(agentType: AgentType, credential: PutAgentCredentialRequest): void {
  const settings = settingsOf(agentType);
  if (credential.oauthToken !== undefined && !(settings.secrets as readonly string[]).includes(OAUTH_TOKEN_VARIABLE)) {
    throw badRequest(`the ${agentType} agent takes an API key (apiKey), not an OAuth token`);
  }
  if (credential.model !== undefined && settings.model === null) throw badRequest(`the ${agentType} agent chooses its own model: give no model`);
}

/**
 * Store `credential` (`apiKey` or `oauthToken`, with `baseUrl` and `model` when given) encrypted
 * as `userId`'s credential for `agentType`, replacing any earlier one as a whole.
 * @throws FlotillaError 400 for an OAuth token for an agent other than Claude Code, or a model for
 *   an agent that takes none; 503 when storage is not configured
 */
export async function saveAgentCredential(deps: CredentialDeps, userId: string, agentType: AgentType, credential: PutAgentCredentialRequest): Promise<CredentialInfo> {
  checkCredentialFits(agentType, credential);
  const key = await credentialKey(deps.config.credentialsKey);
  const sealed = await sealSecret(key, JSON.stringify(credential), context(userId, agentType));
  const secret = credential.apiKey ?? credential.oauthToken ?? '';
  return putCredential(deps.db, { userId, kind: 'agent', name: agentType }, sealed, maskSecret(secret), { baseUrl: credential.baseUrl, model: credential.model });
}

/**
 * A stored credential's plain text as the credential: the sealed JSON, or — stored before issue
 * 13 — the bare API key.
 */
function parseStoredCredential(plain: string): PutAgentCredentialRequest {
  if (plain.startsWith('{')) {
    try {
      const parsed = PutAgentCredentialRequest.safeParse(JSON.parse(plain));
      if (parsed.success) return parsed.data;
    } catch {
      // Not JSON: a bare key that happens to start with "{".
    }
  }
  return { apiKey: plain };
}

/**
 * The variables a stored `credential` sets for `agentType` (contracts `MODEL_API_SETTINGS`): an
 * API key in the model API's key variable (ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY), an
 * OAuth token in CLAUDE_CODE_OAUTH_TOKEN, the base URL and the model in the model API's own.
 */
export function credentialVariables(agentType: AgentType, credential: Partial<PutAgentCredentialRequest>): AgentCredentialOverrides {
  const settings = settingsOf(agentType);
  const variables: AgentCredentialOverrides = {};
  const [keyVariable] = settings.secrets;
  if (credential.apiKey) variables[keyVariable] = credential.apiKey;
  if (credential.oauthToken) variables[OAUTH_TOKEN_VARIABLE] = credential.oauthToken;
  if (credential.baseUrl) variables[settings.baseUrl] = credential.baseUrl;
  if (credential.model && settings.model) variables[settings.model] = credential.model;
  return variables;
}

/**
 * Which settings a stored credential shown as `info` provides for `agentType`, without
 * decrypting it (for contracts `missingAgentSettings`): its secret (under the model API's key
 * variable; which secret it is does not matter there), base URL and model.
 */
export function storedCredentialValues(agentType: AgentType, info: CredentialInfo): AgentCredentialValues {
  return credentialVariables(agentType, { apiKey: info.masked, baseUrl: info.baseUrl, model: info.model });
}

/**
 * The credentials to hand the node daemon when it starts an agent of `agentType` for `userId`:
 * the stored credential as its model API's variables ({@link credentialVariables}), or undefined
 * when none is stored (the daemon then uses its own settings).
 * @throws when a stored credential cannot be decrypted (storage not configured, or a changed key)
 */
export async function agentCredentialsFor(deps: CredentialDeps, userId: string, agentType: AgentType): Promise<AgentCredentialOverrides | undefined> {
  const sealed = await getSealedCredential(deps.db, { userId, kind: 'agent', name: agentType });
  if (!sealed) return undefined;
  const plain = await openSecret(await credentialKey(deps.config.credentialsKey), sealed, context(userId, agentType));
  return credentialVariables(agentType, parseStoredCredential(plain));
}
