import { z } from 'zod';

/**
 * Agents a node daemon knows how to start. Each speaks the Agent Client Protocol over stdio.
 * - `claude-code`: Claude Code through its ACP adapter (`@agentclientprotocol/claude-agent-acp`).
 * (Tests run packages/testkit's scripted agent in place of these through the node daemon's
 * agent-command override, `FLOTILLA_AGENT_COMMAND_<TYPE>`; it is not a product agent type.)
 */
export const AgentType = z.enum(['claude-code']);
export type AgentType = z.infer<typeof AgentType>;

export const DEFAULT_AGENT_TYPE: AgentType = 'claude-code';

/**
 * Environment variables holding agent credentials. They are read from the CLI's environment and
 * handed only to the agent process, never logged and never used by the node daemon itself.
 */
export const AGENT_CREDENTIAL_ENV = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'CLAUDE_CODE_OAUTH_TOKEN',
] as const;

/**
 * The environment variable an agent type's stored API key is handed to the agent in
 * (`PUT /api/credentials/agents/:agentType`); null: the agent type takes no API key.
 */
export const AGENT_API_KEY_ENV = {
  'claude-code': 'ANTHROPIC_API_KEY',
} as const satisfies Record<AgentType, (typeof AGENT_CREDENTIAL_ENV)[number] | null>;

/**
 * Credentials the control plane hands a node daemon with a start request: stored, decrypted
 * agent keys by environment variable name. They override the daemon's own agent credentials,
 * go only into that agent process's environment, and are never logged nor persisted.
 */
export const AgentCredentialOverrides = z
  .object({
    ANTHROPIC_API_KEY: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type AgentCredentialOverrides = z.infer<typeof AgentCredentialOverrides>;
