/**
 * The agent started while its workspace is checked out (issue 15 item 1, a lean hand-off): a
 * task's create-workspace request may name the agent that will run there, and the node daemon
 * then spawns it in the workspace's sandbox and sends ACP `initialize` in parallel with the
 * checkout. `session/new` (whose cwd is the checkout) follows as soon as the checkout succeeded
 * when `openSession` says so, else with the agent session's start call (made only after the
 * checkout succeeded); the prompt always waits for the start call. A checkout that fails stops
 * the agent. Nothing here is a prompt: the agent gets no work before its start.
 */
import * as z from 'zod';
import { AgentCredentialOverrides, AgentType } from './agents.js';

/** `CreateWorkspaceRequest.earlyAgent`: the session to register and whose agent to spawn early. */
export const EarlyAgentStart = z.object({
  /** The agent session the run registers and starts later (same id: the start finds this agent). */
  agentSessionId: z.string().min(1),
  agentType: AgentType,
  /**
   * How the agent's permission requests are answered: the start call's policy must be the same,
   * else the early agent is stopped and a new one spawned with the start's.
   */
  permissionPolicy: z.enum(['allow', 'reject', 'ask']).default('allow'),
  /**
   * Open the ACP session (`session/new` in the checkout) as soon as the checkout succeeded, not
   * with the start call — one round trip less before the prompt (issue 15). False for a run whose
   * start may `session/load` an archived session instead (a resumed task's).
   */
  openSession: z.boolean().default(false),
  /** Stored agent keys, as in `StartAgentSessionRequest.agentCredentials` (never logged, never persisted). */
  agentCredentials: AgentCredentialOverrides.optional(),
});
export type EarlyAgentStart = z.infer<typeof EarlyAgentStart>;
