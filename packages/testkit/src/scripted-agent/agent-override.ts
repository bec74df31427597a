/**
 * How tests choose the agent a node daemon runs. The scripted agent is not one of the product's
 * agent types: a test node runs it in place of the real agents through the node daemon's
 * agent-command override — `FLOTILLA_AGENT_COMMAND_<TYPE>` (packages/node-daemon config.ts), a
 * JSON array replacing an agent type's command — so a task asks for `claude-code` (or the
 * project's default) and the scripted agent answers. Stacks (`bootTestStack`) and fake VMs
 * (`bootFakeVm`) set it by default; `agents: 'real'` leaves the real agents in place, and
 * `agents: { scripted: [...] }` replaces only the agent types listed (a test mixing the scripted
 * agent with real ones, e.g. one task on several agents).
 */
import { AgentType, type AgentType as AgentTypeName } from '@flotilla/contracts';
import { SCRIPTED_AGENT_BIN } from './bin-path.js';

/**
 * Which agents a test's node daemons run:
 * - `scripted`: the scripted agent (this package), whatever agent type a task asks for;
 * - `real`: the agents themselves (Claude Code through its ACP adapter, e.g. against the fake
 *   Anthropic API);
 * - `{ scripted: types }`: the scripted agent for the agent types listed, the real agents for the others.
 */
export type TestAgents = 'scripted' | 'real' | { scripted: readonly AgentTypeName[] };

/**
 * The scripted agent's command on a node: this Node running its bin script, by absolute path —
 * a local node, a fake VM and a daemon started by a test all see this repository, and need no
 * PATH entry for it.
 */
export const SCRIPTED_AGENT_COMMAND: readonly string[] = [process.execPath, SCRIPTED_AGENT_BIN];

/** `claude-code` → `FLOTILLA_AGENT_COMMAND_CLAUDE_CODE` (the node daemon's own naming rule, config.ts). */
export function agentCommandVariable(agentType: string): string {
  return `FLOTILLA_AGENT_COMMAND_${agentType.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Environment a node daemon needs to run `agents`: for `scripted`, every agent type's command
 * overridden by {@link SCRIPTED_AGENT_COMMAND}; for `{ scripted: types }`, those types' only; for
 * `real`, nothing.
 */
export function agentOverrideEnv(agents: TestAgents): Record<string, string> {
  if (agents === 'real') return {};
  const scripted = agents === 'scripted' ? AgentType.options : agents.scripted;
  return Object.fromEntries(scripted.map((agentType) => [agentCommandVariable(agentType), JSON.stringify(SCRIPTED_AGENT_COMMAND)]));
}
