/**
 * Agent credentials (contracts `AGENT_CREDENTIAL_ENV`: the Anthropic, OpenAI and Gemini keys and
 * tokens, their base URLs and models). DESIGN.md §5, §7: they go only to the workspaces' model
 * gateways, never to an agent process, never logged, never used by the daemon otherwise — so they
 * are taken out of `process.env` at start, before anything else can read or inherit them.
 */
import { AGENT_CREDENTIAL_ENV, AGENT_CATALOG, MODEL_API_SETTINGS, type AgentCredentialName, type AgentCredentialOverrides, type AgentType } from '@flotilla/contracts';

export type { AgentCredentialName } from '@flotilla/contracts';

/** The credentials that were present at start. Frozen; never serialise or log it. */
export type AgentCredentials = Readonly<Partial<Record<AgentCredentialName, string>>>;

/**
 * Move the agent credentials out of `env`: copy each non-empty one into a frozen object and
 * delete it from `env` (normally `process.env`), so child processes — agents, git — never
 * inherit them.
 *
 * @returns the credentials found (possibly none).
 */
export function takeAgentCredentials(env: Record<string, string | undefined>): AgentCredentials {
  const taken: Partial<Record<AgentCredentialName, string>> = {};
  for (const name of AGENT_CREDENTIAL_ENV) {
    const value = env[name];
    if (value) taken[name] = value;
    delete env[name];
  }
  return Object.freeze(taken);
}

/** Names (never values) of the credentials present, for a start-up log line. */
export function credentialNames(credentials: AgentCredentials): string[] {
  return Object.keys(credentials);
}

/**
 * The credentials an agent of `agentType` works with: the daemon's own, with the user's stored
 * credential the control plane sent with the start request (`StartAgentSessionRequest.
 * agentCredentials`) over them: a sent key or token replaces every secret of that agent's model
 * API (contracts `MODEL_API_SETTINGS`: a stored ANTHROPIC_API_KEY also drops the daemon's
 * CLAUDE_CODE_OAUTH_TOKEN, so the stored key is the one used); a sent base URL or model replaces
 * the daemon's. Never serialise or log the result.
 */
export function withOverrides(credentials: AgentCredentials, overrides: AgentCredentialOverrides | undefined, agentType: AgentType): AgentCredentials {
  if (!overrides) return credentials;
  const settings = MODEL_API_SETTINGS[AGENT_CATALOG[agentType].modelApi];
  const merged: Partial<Record<AgentCredentialName, string>> = { ...credentials };
  if (settings.secrets.some((name) => overrides[name])) {
    for (const name of settings.secrets) delete merged[name];
  }
  for (const name of [...settings.secrets, settings.baseUrl, ...(settings.model ? [settings.model] : [])]) {
    const value = overrides[name];
    if (value) merged[name] = value;
  }
  return Object.freeze(merged);
}

/** The model `agentType` is to ask for (its model API's model variable), or null: the agent's default. */
export function modelOf(credentials: AgentCredentials, agentType: AgentType): string | null {
  const variable = MODEL_API_SETTINGS[AGENT_CATALOG[agentType].modelApi].model;
  return variable ? (credentials[variable] ?? null) : null;
}
