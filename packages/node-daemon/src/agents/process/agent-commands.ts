/**
 * Which command starts each agent type (contracts agents.ts `AgentType`). Every agent speaks ACP
 * over stdio. Two sources, the operator's first:
 * - `FLOTILLA_AGENT_COMMAND_<TYPE>` (config.ts `agentCommandOverrides`), for any agent type: a JSON
 *   array, the executable first — how tests run the scripted agent as any agent type;
 * - the agent registry (agents/registry/): the agent's installed package — a Node script run by
 *   this Node binary, or a platform's native binary — with the arguments of its ACP mode.
 * An agent type whose package is missing and has no override cannot be started: its turn fails,
 * naming the package and the variable to set.
 */
import type { AgentType } from '@flotilla/contracts';
import { FlotillaError, permanentFailure } from '@flotilla/kit';
import { agentCommandVariable } from '../../config.js';
import { AGENT_DEFINITIONS, type AgentCommand } from '../registry/index.js';

export type { AgentCommand } from '../registry/index.js';

/** A command, and whether it is the registry's own (`builtIn`) or an operator's override. */
export interface ResolvedAgentCommand extends AgentCommand {
  builtIn: boolean;
}

/**
 * The command that starts an agent of `agentType` (without the per-workspace arguments of its
 * definition's `launch`, which the caller adds to a built-in command).
 *
 * @param overrides - FLOTILLA_AGENT_COMMAND_<TYPE> values from config (argv arrays).
 * @throws FlotillaError (internal, not retryable) when there is no override and the agent's
 *   package is not installed
 */
export function resolveAgentCommand(agentType: AgentType, overrides: Partial<Record<AgentType, string[]>>): ResolvedAgentCommand {
  const override = overrides[agentType];
  if (override && override.length > 0) {
    const [command, ...args] = override as [string, ...string[]];
    return { command, args, builtIn: false };
  }
  const definition = AGENT_DEFINITIONS[agentType] as (typeof AGENT_DEFINITIONS)[AgentType] | undefined;
  if (!definition) throw permanentFailure(`agent type "${agentType}" has no built-in command on this node: set ${agentCommandVariable(agentType)} to a JSON array of the command that starts it`);
  try {
    return { ...definition.command(), builtIn: true };
  } catch (error) {
    if (!(error instanceof FlotillaError)) throw error;
    throw permanentFailure(`${error.message} (or set ${agentCommandVariable(agentType)} to a JSON array of the command that starts it)`);
  }
}

/** Whether this node can start an agent of `agentType` (an override, or its package installed). */
export function agentInstalled(agentType: AgentType, overrides: Partial<Record<AgentType, string[]>>): boolean {
  try {
    resolveAgentCommand(agentType, overrides);
    return true;
  } catch {
    return false;
  }
}
