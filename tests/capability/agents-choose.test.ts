/**
 * Capability: choosing an agent (issue 13, items 2–3), through the public API and the CLI on the
 * real stack. The nodes run the scripted agent for every agent type but Codex, whose real command
 * is left in place with no OpenAI key in the nodes' environment. An OpenCode credential stored
 * with key, base URL and model shows in `GET /api/agents` masked, with its base URL and model;
 * once a node has started, its announcement (`NodeReadyRequest.agents`) shows there and on the
 * node: Claude Code ready from the environment, Codex installed but missing OPENAI_API_KEY.
 * `flotilla agents` prints the same as a table with a hint for Codex, before any node announced
 * and after; a Codex task fails at once naming the setting.
 */
import { randomBytes } from 'node:crypto';
import type { AgentInfo, NodeInfo } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, waitForTask, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-support.js';

let stack: TestStack;
const apiKey = `sk-compat-${randomBytes(12).toString('hex')}`;
const masked = `••••${apiKey.slice(-4)}`;

beforeAll(async () => {
  stack = await bootTestStack({
    // Codex: its real command (installed with the node daemon), and no OpenAI settings on the nodes.
    nodeEnv: { FLOTILLA_AGENT_COMMAND_CODEX: '', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', OPENAI_MODEL: '' },
    vars: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), NODE_WARM_TIMEOUT_MS: String(30 * 60 * 1000) },
  });
});

afterAll(async () => {
  await stack?.close();
});

/** `flotilla <args> --server <this stack>`. */
const cli = (...args: string[]) => runCli([...args, '--server', stack.url]);
const agentsOf = async () => {
  const response = await fetch(`${stack.url}/api/agents`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(text).not.toContain(apiKey);
  return new Map((JSON.parse(text) as { agents: AgentInfo[] }).agents.map((agent) => [agent.agentType, agent]));
};
/** The line of `agentType` in `flotilla agents` output. */
const rowOf = (stdout: string, agentType: string) => stdout.split('\n').find((line) => line.startsWith(`${agentType} `)) ?? '';

describe('choosing an agent', () => {
  it('shows each agent with its stored credential (masked) and what the nodes announced, in the API and `flotilla agents`', async () => {
    // Before any node: nothing announced; the CLI says so.
    const before = await cli('agents');
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/^AGENT\s+LABEL\s+INSTALLED\s+CREDENTIALS$/m);
    expect(rowOf(before.stdout, 'claude-code')).toMatch(/^claude-code\s+Claude Code\s+\?\s+missing: ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN$/);
    expect(before.stdout).toContain('No node has announced its agents yet');

    // An OpenCode credential with key, base URL and model: stored, shown masked with the rest.
    const saved = await stack.client.putAgentCredential('opencode', { apiKey, baseUrl: 'http://127.0.0.1:11434/v1/', model: 'qwen3-coder' });
    expect(saved).toMatchObject({ kind: 'agent', name: 'opencode', masked, baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen3-coder' });
    const stored = await agentsOf();
    expect(stored.get('opencode')).toMatchObject({
      label: 'OpenCode',
      modelApi: 'openai',
      settings: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'],
      credential: { kind: 'agent', name: 'opencode', masked, baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen3-coder' },
      ready: true,
      missing: [],
    });
    // An OAuth token is Claude Code's only.
    await expect(stack.client.putAgentCredential('codex', { oauthToken: 'oauth-token-long-enough' })).rejects.toMatchObject({ status: 400 });

    // A task on OpenCode (the scripted agent stands in for it): its node announces its agents.
    const repo = createGitRepo({ 'README.md': '# choose\n' });
    const project = await stack.client.createProject({ name: 'agents-choose', repoUrl: repo, defaultBranch: 'main' });
    const created = await stack.client.createTask(project.id, { description: 'say: on opencode', run: true, agentType: 'opencode' });
    const task = await waitForTask(stack.client, created.id, 120_000);
    expect(task.status, task.error ?? '').toBe('completed');
    await waitUntil('a node announcement in GET /api/agents', async () => (await agentsOf()).get('claude-code')?.nodes !== null, 30_000);

    const announced = await agentsOf();
    expect(announced.get('claude-code')).toMatchObject({ nodes: { agentType: 'claude-code', installed: true, missing: [] }, credential: null, ready: true, missing: [] });
    expect(announced.get('codex')).toMatchObject({ nodes: { agentType: 'codex', installed: true, missing: ['OPENAI_API_KEY'] }, ready: false, missing: ['OPENAI_API_KEY'] });
    expect(announced.get('opencode')).toMatchObject({ nodes: { agentType: 'opencode', installed: true, missing: [] }, credential: { masked }, ready: true });
    const node = (await (await fetch(`${stack.url}/api/nodes/${task.nodeId ?? ''}`)).json()) as NodeInfo;
    expect(node.agents?.map((agent) => agent.agentType)).toEqual(['claude-code', 'codex', 'gemini', 'opencode', 'qwen-code', 'cline']);
    expect(node.agents).toContainEqual({ agentType: 'codex', installed: true, missing: ['OPENAI_API_KEY'] });

    // The CLI: a row per agent, a hint for Codex, the stored key masked and never in clear.
    const after = await cli('agents');
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).not.toContain(apiKey);
    expect(rowOf(after.stdout, 'claude-code')).toMatch(/^claude-code\s+Claude Code\s+yes\s+from environment$/);
    expect(rowOf(after.stdout, 'codex')).toMatch(/^codex\s+Codex\s+yes\s+missing: OPENAI_API_KEY$/);
    expect(rowOf(after.stdout, 'opencode')).toMatch(new RegExp(`^opencode\\s+OpenCode\\s+yes\\s+stored ${masked} \\(model qwen3-coder, at http://127\\.0\\.0\\.1:11434/v1\\)$`));
    expect(after.stdout).toContain('  codex: `OPENAI_API_KEY=… flotilla up` (OPENAI_BASE_URL=… for another endpoint)');
    expect(after.stdout).not.toContain('No node has announced');
    const json = await cli('agents', '--json');
    expect((JSON.parse(json.stdout) as AgentInfo[]).map((agent) => [agent.agentType, agent.ready])).toEqual([
      ['claude-code', true],
      ['codex', false],
      ['gemini', true],
      ['opencode', true],
      ['qwen-code', true],
      ['cline', true],
    ]);

    // Chosen anyway, Codex fails at once naming what it lacks.
    const codexTask = await stack.client.createTask(project.id, { description: 'say: on codex', run: true, agentType: 'codex' });
    const failed = await waitForTask(stack.client, codexTask.id, 120_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('OPENAI_API_KEY');
  });

  it('`flotilla run --agent` takes every agent type and names each one\'s variables in its help', async () => {
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('agent: claude-code | codex | gemini | opencode | qwen-code | cline');
    expect(help.stdout).toMatch(/opencode\s+OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL \(needed\)/);
    const refused = await runCli(['run', '--repo', '.', '--agent', 'nobody', '--server', stack.url, 'x']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--agent must be one of claude-code, codex, gemini, opencode, qwen-code, cline, got nobody');
  });
});
