/** The override that makes a node daemon run the scripted agent in place of a product agent type. */
import { describe, expect, it } from 'vitest';
import { SCRIPTED_AGENT_BIN } from './bin-path.js';
import { agentCommandVariable, agentOverrideEnv } from './agent-override.js';

describe('agentOverrideEnv', () => {
  it('replaces Claude Code by the scripted agent for `scripted`, and leaves the real agents for `real`', () => {
    expect(agentCommandVariable('claude-code')).toBe('FLOTILLA_AGENT_COMMAND_CLAUDE_CODE');
    expect(agentOverrideEnv('scripted')).toMatchObject({ FLOTILLA_AGENT_COMMAND_CLAUDE_CODE: JSON.stringify([process.execPath, SCRIPTED_AGENT_BIN]) });
    expect(agentOverrideEnv('real')).toEqual({});
  });

  it('replaces only the agent types listed for `{ scripted: types }`', () => {
    expect(agentOverrideEnv({ scripted: ['claude-code'] })).toEqual({ FLOTILLA_AGENT_COMMAND_CLAUDE_CODE: JSON.stringify([process.execPath, SCRIPTED_AGENT_BIN]) });
  });
});
