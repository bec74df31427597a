/**
 * `flotilla agents` output (agents.ts) from `GET /api/agents` answers: one row per agent —
 * installed, credentials (stored and masked, "from environment", or what is missing) — and a
 * hint per agent that is not ready naming the variables to give `flotilla up`. The command
 * against a real control plane: tests/capability/agents-choose.test.ts.
 */
import type { AgentInfo, AgentType } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { agentHint, agentsReport, agentVariablesHelp } from './agents.js';

const agent = (agentType: AgentType, overrides: Partial<AgentInfo>): AgentInfo => ({
  agentType,
  label: agentType,
  summary: '',
  package: `${agentType}@1.0.0`,
  modelApi: 'openai',
  settings: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'],
  credential: null,
  nodes: null,
  ready: false,
  missing: [],
  ...overrides,
});

describe('flotilla agents', () => {
  it('prints one aligned row per agent and a hint for each that is not ready', () => {
    const lines = agentsReport([
      agent('claude-code', { label: 'Claude Code', modelApi: 'anthropic', settings: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL'], nodes: { agentType: 'claude-code', installed: true, missing: [] }, ready: true }),
      agent('codex', { label: 'Codex', nodes: { agentType: 'codex', installed: true, missing: ['OPENAI_API_KEY'] }, missing: ['OPENAI_API_KEY'] }),
      agent('opencode', {
        label: 'OpenCode',
        credential: { kind: 'agent', name: 'opencode', masked: '••••cdef', updatedAt: '', baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen3-coder' },
        nodes: { agentType: 'opencode', installed: true, missing: ['OPENAI_API_KEY', 'OPENAI_MODEL'] },
        ready: true,
      }),
      agent('cline', { label: 'Cline', nodes: { agentType: 'cline', installed: false, missing: [] } }),
    ]);
    expect(lines.slice(0, 5)).toEqual([
      'AGENT        LABEL        INSTALLED  CREDENTIALS',
      'claude-code  Claude Code  yes        from environment',
      'codex        Codex        yes        missing: OPENAI_API_KEY',
      'opencode     OpenCode     yes        stored ••••cdef (model qwen3-coder, at http://127.0.0.1:11434/v1)',
      'cline        Cline        no         from environment',
    ]);
    expect(lines).toContain("  codex: `OPENAI_API_KEY=… flotilla up` (OPENAI_BASE_URL=… for another endpoint), or store a key in the web app's settings (Agent keys).");
    expect(lines).toContain('  cline: not installed on the nodes (the node daemon installs cline@1.0.0; or set FLOTILLA_AGENT_COMMAND_CLINE).');
    expect(lines.join('\n')).not.toContain('No node has announced');
  });

  it('says when no node has announced yet, and names every variable a missing setting can take', () => {
    const claude = agent('claude-code', { modelApi: 'anthropic', settings: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL'], missing: ['ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN'] });
    const lines = agentsReport([claude]);
    expect(lines[1]).toMatch(/^claude-code\s+claude-code\s+\?\s+missing: ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN$/);
    expect(agentHint(claude)).toBe("claude-code: `ANTHROPIC_API_KEY=… flotilla up` (ANTHROPIC_BASE_URL=… for another endpoint), or store a key in the web app's settings (Agent keys).");
    expect(lines.at(-1)).toMatch(/^No node has announced its agents yet/);
    const stored = agent('qwen-code', { credential: { kind: 'agent', name: 'qwen-code', masked: '••••1234', updatedAt: '' }, missing: ['OPENAI_MODEL'] });
    expect(agentsReport([stored])[1]).toMatch(/stored ••••1234; missing: OPENAI_MODEL$/);
    expect(agentHint(stored)).toContain('store its key again with what is missing');
  });

  it("names each agent's variables in the help", () => {
    const help = agentVariablesHelp();
    expect(help).toMatch(/opencode\s+OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL \(needed\)/);
    expect(help).toMatch(/gemini\s+GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL, GEMINI_MODEL \(optional\)/);
    expect(help).toMatch(/claude-code\s+ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN, ANTHROPIC_BASE_URL/);
  });
});
