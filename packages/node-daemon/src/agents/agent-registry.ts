/**
 * Which command starts each agent type (contracts agents.ts `AgentType`). Every agent speaks ACP
 * over stdio. A `FLOTILLA_AGENT_COMMAND_<TYPE>` override (config.ts) replaces the built-in
 * command.
 *
 * - `claude-code`: this Node binary running the bin script of `@agentclientprotocol/claude-agent-acp`
 *   (resolved from its package.json, so no PATH lookup and no shebang are involved).
 * - `scripted`: `flotilla-scripted-agent` looked up on PATH (the local cloud puts the repository's
 *   node_modules/.bin there; the daemon never imports testkit).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AgentType } from '@flotilla/contracts';
import { FlotillaError } from '@flotilla/kit';

export interface AgentCommand {
  command: string;
  args: string[];
}

const CLAUDE_ACP_PACKAGE = '@agentclientprotocol/claude-agent-acp';
const SCRIPTED_AGENT_BIN = 'flotilla-scripted-agent';

/** Absolute path of the claude-agent-acp bin script, from its package.json `bin`. */
function claudeAcpScript(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${CLAUDE_ACP_PACKAGE}/package.json`);
  const manifest = require(manifestPath) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (!bin) throw new Error(`${CLAUDE_ACP_PACKAGE} declares no bin script`);
  return join(dirname(manifestPath), bin);
}

/**
 * The command that starts an agent of `agentType`.
 *
 * @param overrides - FLOTILLA_AGENT_COMMAND_<TYPE> values from config (argv arrays).
 * @throws FlotillaError(internal) when the claude-code adapter is not installed.
 */
export function resolveAgentCommand(
  agentType: AgentType,
  overrides: Partial<Record<AgentType, string[]>>,
): AgentCommand {
  const override = overrides[agentType];
  if (override && override.length > 0) {
    const [command, ...args] = override as [string, ...string[]];
    return { command, args };
  }
  switch (agentType) {
    case 'claude-code':
      try {
        return { command: process.execPath, args: [claudeAcpScript()] };
      } catch (error) {
        throw new FlotillaError('internal', `cannot locate ${CLAUDE_ACP_PACKAGE}: ${(error as Error).message}`);
      }
    case 'scripted':
      return { command: SCRIPTED_AGENT_BIN, args: [] };
  }
}
