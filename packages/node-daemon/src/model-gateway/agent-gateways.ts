/**
 * Which upstream (upstream.ts) the gateway forwards an agent's requests to: the one of the model
 * API its agent type calls (contracts `AGENT_CATALOG[type].modelApi`). How each agent is pointed at
 * the gateway, with the workspace token in place of a credential, is its definition's business
 * (agents/registry/).
 */
import { AGENT_CATALOG, type AgentType, type ModelApi } from '@flotilla/contracts';
import { anthropicUpstream } from './anthropic.js';
import { geminiUpstream } from './gemini.js';
import { openaiUpstream } from './openai.js';
import type { ModelUpstream } from './upstream.js';

export const MODEL_UPSTREAMS: Record<ModelApi, ModelUpstream> = {
  anthropic: anthropicUpstream,
  openai: openaiUpstream,
  gemini: geminiUpstream,
};

/** The upstream of `agentType`'s model API. */
export function upstreamOf(agentType: AgentType): ModelUpstream {
  return MODEL_UPSTREAMS[AGENT_CATALOG[agentType].modelApi];
}
