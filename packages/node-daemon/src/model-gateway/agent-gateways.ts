/**
 * How each agent type reaches its model through the gateway: which upstream kind (upstream.ts) it
 * speaks, and the environment that points it at the gateway with the workspace token in place of
 * a real credential. Claude Code: `ANTHROPIC_BASE_URL` and `ANTHROPIC_API_KEY` (it sends the key
 * as `x-api-key`).
 */
import type { AgentType } from '@flotilla/contracts';
import { anthropicUpstream } from './anthropic.js';
import type { ModelUpstream } from './upstream.js';

export interface AgentGateway {
  upstream: ModelUpstream;
  /** The agent's variables: `gatewayUrl` (no trailing slash) and the workspace token. */
  env(gatewayUrl: string, token: string): Record<string, string>;
}

export const AGENT_GATEWAYS: Record<AgentType, AgentGateway> = {
  'claude-code': {
    upstream: anthropicUpstream,
    env: (gatewayUrl, token) => ({ ANTHROPIC_BASE_URL: gatewayUrl, ANTHROPIC_API_KEY: token }),
  },
};
