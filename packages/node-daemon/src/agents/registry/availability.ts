/**
 * What agents this node can run (contracts `AgentAvailability`), announced to the control plane with
 * `nodeReady` and shown by `GET /api/agents`, `flotilla agents` and the web app's agent picker:
 * whether each agent type's command is there, and which settings the daemon's own credentials lack
 * for it (a user's stored credential, sent with a start request, may still supply them). An
 * operator's command override (`FLOTILLA_AGENT_COMMAND_<TYPE>`) brings its own credentials: nothing
 * is missing for it.
 */
import { AgentType, missingAgentSettings, type AgentAvailability } from '@flotilla/contracts';
import type { AgentCredentials } from '../../agent-credentials.js';
import { agentInstalled } from '../process/agent-commands.js';

/** Every agent type's availability on this node. Never includes a credential's value. */
export function agentAvailability(overrides: Partial<Record<AgentType, string[]>>, credentials: AgentCredentials): AgentAvailability[] {
  return AgentType.options.map((agentType) => ({
    agentType,
    installed: agentInstalled(agentType, overrides),
    missing: overrides[agentType]?.length ? [] : missingAgentSettings(agentType, credentials),
  }));
}
