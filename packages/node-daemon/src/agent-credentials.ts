/**
 * Agent credentials (`AGENT_CREDENTIAL_ENV` in contracts: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL,
 * CLAUDE_CODE_OAUTH_TOKEN). DESIGN.md §5: they are handed only to agent processes, never logged
 * and never used by the daemon itself — so they are taken out of `process.env` at start, before
 * anything else can read or inherit them.
 */
import { AGENT_CREDENTIAL_ENV, type AgentCredentialOverrides } from '@flotilla/contracts';

export type AgentCredentialName = (typeof AGENT_CREDENTIAL_ENV)[number];

/** The credentials that were present at start. Frozen; never serialise or log it. */
export type AgentCredentials = Readonly<Partial<Record<AgentCredentialName, string>>>;

/**
 * Move the agent credentials out of `env`: copy each non-empty one into a frozen object and
 * delete it from `env` (normally `process.env`), so child processes other than agents — git,
 * for one — never inherit them.
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
 * The credentials one agent process gets: the daemon's own, with the keys the control plane sent
 * with the start request (`StartAgentSessionRequest.agentCredentials`, the user's stored keys)
 * taking precedence. A sent ANTHROPIC_API_KEY also drops the daemon's CLAUDE_CODE_OAUTH_TOKEN,
 * so the stored key is the one the agent uses. Never serialise or log the result.
 */
export function withOverrides(credentials: AgentCredentials, overrides: AgentCredentialOverrides | undefined): AgentCredentials {
  if (!overrides) return credentials;
  const merged: Partial<Record<AgentCredentialName, string>> = { ...credentials };
  if (overrides.ANTHROPIC_API_KEY) {
    merged.ANTHROPIC_API_KEY = overrides.ANTHROPIC_API_KEY;
    delete merged.CLAUDE_CODE_OAUTH_TOKEN;
  }
  return Object.freeze(merged);
}
