/**
 * The agent registry: every agent type is pointed at the workspace's gateway with the workspace
 * token (and nothing else secret), its configuration stays in its HOME, and the session's
 * permission policy reaches the agents that would otherwise not ask.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentType } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { AGENT_DEFINITIONS, writeHomeFiles, type AgentLaunchContext } from './index.js';

const context: AgentLaunchContext = { home: '/data/sandboxes/ws_1/home', gatewayUrl: 'http://127.0.0.1:4141', token: 'flt_gw_token', model: 'some-model', permissionPolicy: 'allow' };
const launchOf = (agentType: AgentType, overrides: Partial<AgentLaunchContext> = {}) => AGENT_DEFINITIONS[agentType].launch({ ...context, ...overrides });

describe('the agent registry', () => {
  it.each(AgentType.options)('points %s at the gateway with the workspace token, in its environment or its HOME files', (agentType) => {
    const launch = launchOf(agentType);
    const everything = JSON.stringify(launch);
    expect(everything).toContain('flt_gw_token');
    expect(everything).toContain('http://127.0.0.1:4141');
    expect(AGENT_DEFINITIONS[agentType].agentType).toBe(agentType);
    for (const name of ['HOME', 'TMPDIR', 'HTTPS_PROXY', 'NO_PROXY']) expect(launch.env[name]).toBeUndefined();
  });

  it('passes the model where the agent takes it, and the permission policy to the agents that run tools without asking', () => {
    expect(launchOf('gemini').args).toEqual(['--acp', '-m', 'some-model']);
    expect(launchOf('gemini', { model: null }).args).toEqual(['--acp']);
    expect(launchOf('qwen-code').env.OPENAI_MODEL).toBe('some-model');
    expect(launchOf('codex').files['.codex/config.toml']).toMatch(/approval_policy = "never"/);
    expect(launchOf('codex', { permissionPolicy: 'ask' }).files['.codex/config.toml']).toMatch(/approval_policy = "untrusted"/);
    expect(launchOf('codex').files['.codex/config.toml']).toMatch(/sandbox_mode = "danger-full-access"/);
    expect(launchOf('codex').env.CODEX_HOME).toBe(`${context.home}/.codex`);
    const opencode = (policy: AgentLaunchContext['permissionPolicy']) => JSON.parse(launchOf('opencode', { permissionPolicy: policy }).env.OPENCODE_CONFIG_CONTENT ?? '{}') as { permission: Record<string, string>; model: string };
    expect(opencode('allow').permission.bash).toBe('allow');
    expect(opencode('ask').permission).toEqual({ bash: 'ask', edit: 'ask', webfetch: 'ask' });
    expect(opencode('allow').model).toBe('flotilla/some-model');
    expect(launchOf('cline').env.CLINE_SESSION_BACKEND_MODE).toBe('local');
  });

  it('writes configuration files into HOME only', () => {
    const home = mkdtempSync(join(tmpdir(), 'fl-home-'));
    writeHomeFiles(home, launchOf('cline', { home }).files);
    expect(JSON.parse(readFileSync(join(home, '.cline/data/settings/providers.json'), 'utf8'))).toMatchObject({ providers: { 'openai-compatible': { settings: { baseUrl: context.gatewayUrl } } } });
    expect(() => writeHomeFiles(home, { '../escape.json': '{}' })).toThrow(/must stay in its HOME/);
  });
});
