/**
 * The agent started with the checkout (issue 15 item 1, a lean hand-off): what a task's
 * `workspace_creation` adds to its create-workspace request (contracts early-agent.ts) so that the
 * node spawns the agent and sends ACP `initialize` while it checks the repository out. The agent
 * session's id is the run's, remembered before the request, so the `agent_session` step starts
 * that very agent; the prompt still goes only with the start, after the workspace is ready.
 *
 * It is an optimisation and nothing more: when the user's stored agent key cannot be used, or may
 * not go to this node (credential-channel.ts), no agent is started early and the start call
 * reports the problem exactly as it does without this.
 */
import type { AgentType, EarlyAgentStart, PermissionPolicy } from '@flotilla/contracts';
import { errorMessage, type Logger } from '@flotilla/kit';
import { agentCredentialsFor, type CredentialDeps } from '../credentials/agent-keys.js';
import { isCredentialChannel } from '../nodes/credential-channel.js';

/** The agent a run wants started with its checkout. */
export interface EarlyAgentWish {
  agentType: AgentType;
  /** Whose stored agent key goes with it (as with the start call, workspaces/start-agent.ts). */
  userId: string;
  permissionPolicy: PermissionPolicy;
  /** `EarlyAgentStart.openSession`: `session/new` right after the checkout (not for a run that may `session/load`). */
  openSession: boolean;
}

/**
 * The `earlyAgent` of a create-workspace request for agent session `agentSessionId` on `node`.
 * @returns undefined when the agent should rather start with its start call (see the module comment)
 */
export async function earlyAgentFor(deps: CredentialDeps, node: { id: string; url: string }, agentSessionId: string, wish: EarlyAgentWish, log: Logger): Promise<EarlyAgentStart | undefined> {
  try {
    const agentCredentials = await agentCredentialsFor(deps, wish.userId, wish.agentType);
    if (agentCredentials && !isCredentialChannel(node.url)) return undefined;
    return { agentSessionId, agentType: wish.agentType, permissionPolicy: wish.permissionPolicy, openSession: wish.openSession, ...(agentCredentials ? { agentCredentials } : {}) };
  } catch (error) {
    log.info('agent not started with the checkout: its stored key cannot be used', { agentType: wish.agentType, error: errorMessage(error) });
    return undefined;
  }
}
