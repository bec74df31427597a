/**
 * Which command starts each agent type (contracts agents.ts `AgentType`). Every agent speaks ACP
 * over stdio. Two sources, the operator's first:
 * - `FLOTILLA_AGENT_COMMAND_<TYPE>` (config.ts `agentCommandOverrides`), for any agent type: a JSON
 *   array, the executable first — how tests run the scripted agent as `claude-code`;
 * - the table of built-in commands, {@link BUILT_IN_AGENT_COMMANDS}: `claude-code` is this Node
 *   binary running the bin script of `@agentclientprotocol/claude-agent-acp` (resolved from its
 *   package.json, so no PATH lookup and no shebang are involved).
 * An agent type with neither cannot be started: its turn fails, naming the variable to set.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AgentType } from '@flotilla/contracts';
import { errorMessage, permanentFailure } from '@flotilla/kit';
import { agentCommandVariable } from '../../config.js';

export interface AgentCommand {
  command: string;
  args: string[];
}

const CLAUDE_ACP_PACKAGE = '@agentclientprotocol/claude-agent-acp';

/**
 * This Node binary and the absolute path of the claude-agent-acp bin script, from its
 * package.json `bin`.
 * @throws FlotillaError (internal) when the adapter is not installed
 */
function claudeCodeCommand(): AgentCommand {
  try {
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve(`${CLAUDE_ACP_PACKAGE}/package.json`);
    const manifest = require(manifestPath) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
    if (!bin) throw new Error(`${CLAUDE_ACP_PACKAGE} declares no bin script`);
    return { command: process.execPath, args: [join(dirname(manifestPath), bin)] };
  } catch (error) {
    throw permanentFailure(`cannot locate ${CLAUDE_ACP_PACKAGE}: ${errorMessage(error)}`);
  }
}

/** The agent types this daemon can start by itself, and how. */
export const BUILT_IN_AGENT_COMMANDS: Partial<Record<AgentType, () => AgentCommand>> = {
  'claude-code': claudeCodeCommand,
};

/**
 * The command that starts an agent of `agentType`.
 *
 * @param overrides - FLOTILLA_AGENT_COMMAND_<TYPE> values from config (argv arrays).
 * @throws FlotillaError (internal, not retryable) when the agent type has no command: no override
 *   and no built-in one, or a built-in one that is not installed.
 */
export function resolveAgentCommand(agentType: AgentType, overrides: Partial<Record<AgentType, string[]>>): AgentCommand {
  const override = overrides[agentType];
  if (override && override.length > 0) {
    const [command, ...args] = override as [string, ...string[]];
    return { command, args };
  }
  const builtIn = BUILT_IN_AGENT_COMMANDS[agentType];
  if (!builtIn) {
    throw permanentFailure(`agent type "${agentType}" has no built-in command on this node: set ${agentCommandVariable(agentType)} to a JSON array of the command that starts it`);
  }
  return builtIn();
}
