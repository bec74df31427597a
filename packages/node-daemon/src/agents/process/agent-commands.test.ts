/** Agent commands: the built-in table (claude-code), the FLOTILLA_AGENT_COMMAND_<TYPE> override, and a type with neither. */
import { existsSync } from 'node:fs';
import type { AgentType } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { resolveAgentCommand } from './agent-commands.js';

describe('resolveAgentCommand', () => {
  it('runs claude-code from its installed ACP adapter with this Node binary', () => {
    const { command, args } = resolveAgentCommand('claude-code', {});
    expect(command).toBe(process.execPath);
    expect(args).toHaveLength(1);
    expect(existsSync(args[0]!)).toBe(true);
  });

  it('takes the FLOTILLA_AGENT_COMMAND_<TYPE> override over the built-in command', () => {
    expect(resolveAgentCommand('claude-code', { 'claude-code': ['node', 'scripted.mjs', '--quiet'] })).toEqual({ command: 'node', args: ['scripted.mjs', '--quiet'] });
  });

  it('refuses an agent type with no built-in command and no override, naming the variable to set', () => {
    // An agent type the daemon has no built-in command for (one the contracts may add later).
    const newcomer = 'gemini-cli' as AgentType;
    expect(() => resolveAgentCommand(newcomer, {})).toThrow(/agent type "gemini-cli" has no built-in command on this node: set FLOTILLA_AGENT_COMMAND_GEMINI_CLI/);
    expect(resolveAgentCommand(newcomer, { [newcomer]: ['gemini', '--acp'] } as Partial<Record<AgentType, string[]>>)).toEqual({ command: 'gemini', args: ['--acp'] });
  });
});
