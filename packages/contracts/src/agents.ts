import { z } from 'zod';

/**
 * Agents a node daemon knows how to start. Each speaks the Agent Client Protocol over stdio.
 * - `claude-code`: Claude Code through its ACP adapter (`@agentclientprotocol/claude-agent-acp`).
 * - `scripted`: the deterministic test agent from `packages/testkit`.
 */
export const AgentType = z.enum(['claude-code', 'scripted']);
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
