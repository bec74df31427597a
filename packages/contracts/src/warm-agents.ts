import * as z from 'zod';
import { AgentCredentialOverrides, AgentType } from './agents.js';

/**
 * A warm agent (issue 15): on a node, an agent spawned in an empty workspace shell (its own
 * sandbox, HOME and gateway; no repository, no project, no task) and past ACP `initialize`, ahead
 * of any task, with the node user's credentials. The next create-workspace request for
 * `workspaceId` whose `earlyAgent` is the same agent session, agent type and credentials takes
 * it: the shell becomes that workspace (clone, the project's egress allowlist), the agent opens
 * its session in the checkout and the start delivers the prompt. Used once. The control plane
 * keeps the ids on the node's row; a node learns them when it starts (FLOTILLA_WARM_AGENT) or by
 * `POST {node}/warm-agents`.
 */
export const WarmAgentSpec = z.object({
  workspaceId: z.string().min(1),
  agentSessionId: z.string().min(1),
  agentType: AgentType,
});
export type WarmAgentSpec = z.infer<typeof WarmAgentSpec>;

/** `POST {node}/warm-agents`: prepare a warm agent in the background (202); the stored agent key of the node's user goes with it, as with a task's early agent. */
export const PrepareWarmAgentRequest = WarmAgentSpec.extend({
  agentCredentials: AgentCredentialOverrides.optional(),
});
export type PrepareWarmAgentRequest = z.infer<typeof PrepareWarmAgentRequest>;

/** A warm agent as its node daemon reports it: `preparing` (spawn, `initialize`), `ready`, `failed`. */
export const NodeWarmAgentInfo = WarmAgentSpec.extend({
  status: z.enum(['preparing', 'ready', 'failed']),
  error: z.string().nullable(),
});
export type NodeWarmAgentInfo = z.infer<typeof NodeWarmAgentInfo>;
