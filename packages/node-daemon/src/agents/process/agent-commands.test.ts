/** Agent commands: every agent type's installed package, the FLOTILLA_AGENT_COMMAND_<TYPE> override, and a type with neither. */
import { accessSync, constants } from 'node:fs';
import { AgentType } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { agentInstalled, resolveAgentCommand } from './agent-commands.js';

describe('resolveAgentCommand', () => {
  it('runs claude-code from its installed ACP adapter with this Node binary', () => {
    const { command, args, builtIn } = resolveAgentCommand('claude-code', {});
    expect(command).toBe(process.execPath);
    expect(args).toHaveLength(1);
    expect(builtIn).toBe(true);
  });

  it.each(AgentType.options)('finds %s installed: an executable, and for a Node script the script', (agentType) => {
    const { command, args } = resolveAgentCommand(agentType, {});
    accessSync(command, constants.X_OK);
    for (const arg of args.filter((value) => value.startsWith('/'))) accessSync(arg, constants.R_OK);
    expect(agentInstalled(agentType, {})).toBe(true);
  });

  it('takes the FLOTILLA_AGENT_COMMAND_<TYPE> override over the built-in command', () => {
    expect(resolveAgentCommand('codex', { codex: ['node', 'scripted.mjs', '--quiet'] })).toEqual({ command: 'node', args: ['scripted.mjs', '--quiet'], builtIn: false });
  });

  it('refuses an agent type with no built-in command and no override, naming the variable to set', () => {
    // An agent type the daemon has no definition for (one the contracts may add later).
    const newcomer = 'goose' as AgentType;
    expect(() => resolveAgentCommand(newcomer, {})).toThrow(/agent type "goose" has no built-in command on this node: set FLOTILLA_AGENT_COMMAND_GOOSE/);
    expect(agentInstalled(newcomer, {})).toBe(false);
    expect(resolveAgentCommand(newcomer, { [newcomer]: ['goose', 'acp'] } as Partial<Record<AgentType, string[]>>)).toMatchObject({ command: 'goose', args: ['acp'] });
  });
});
