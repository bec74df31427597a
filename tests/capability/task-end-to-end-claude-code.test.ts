/**
 * Capability: a task runs end to end with Claude Code itself (issue 2, DESIGN.md §2): its ACP
 * adapter from npm, talking to the fake Anthropic Messages API (testkit). Through the public HTTP
 * API only: the model request carries the exact description as the user's prompt, the task
 * branch holds the change, the chat holds the agent's text and tool call, and the workspace is
 * gone from the node. The agent reaches the model through its node's model gateway, from its
 * sandbox (issue 12): the fake sees the node's key, the agent's tools only the workspace's gateway
 * token, and the task's usage is the gateway's count. Its own stack, whose nodes run the real
 * agents (`agents: 'real'`); the same path with the scripted agent is task-end-to-end.
 */
import { bootTestStack, createGitRepo, git, showFile, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { sha256Hex, startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTaskToEnd } from './task-support.js';

let stack: TestStack;
let fake: FakeAnthropic;
const NODE_KEY = 'test-key-not-real';

beforeAll(async () => {
  fake = await startFakeAnthropic({ script: [] });
  stack = await bootTestStack({ agents: 'real', nodeEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: NODE_KEY } });
});

afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

const runTask = (repo: string, description: string) => runTaskToEnd(stack, repo, description);

describe('a task runs end to end', () => {
  it('with Claude Code against the fake Anthropic API', async () => {
    fake.setScript([
      { text: 'I will create the file.', toolUses: [{ name: 'Bash', input: { command: "printf 'made by claude\\n' > CHANGE.md && env > AGENT_ENV.txt", description: 'Create CHANGE.md' } }] },
      { text: 'Created CHANGE.md with the requested content.' },
    ]);
    const repo = createGitRepo({ 'README.md': '# demo\n' });
    const description = 'Create a file CHANGE.md that says "made by claude".';
    const { task, messages } = await runTask(repo, description);

    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    // (a) the model request carried the exact description as the user's prompt
    expect(fake.firstUserPrompt()).toBe(description);
    // (b) the branch holds the change
    const branch = `task/${task.id}`;
    expect(showFile(repo, branch, 'CHANGE.md')).toBe('made by claude\n');
    expect(task.output.commitSha).toBe(git(repo, 'rev-parse', branch));
    // (c) chat: description first, then the agent's text and its tool call
    expect(messages[0]).toMatchObject({ role: 'user', content: description });
    expect(messages.some((m) => m.role === 'assistant' && m.content.includes('I will create the file.'))).toBe(true);
    expect(messages.some((m) => m.role === 'tool')).toBe(true);
    expect(task.output.summary).toContain('Created CHANGE.md');
    // (d) through the node's model gateway, in its sandbox: the fake saw the node's real key, the task's usage is counted
    expect(fake.mainRequests().length).toBeGreaterThan(0);
    for (const request of fake.mainRequests()) expect(request.apiKeySha256).toBe(sha256Hex(NODE_KEY));
    expect(task.usage?.requests).toBeGreaterThanOrEqual(fake.mainRequests().length);
    expect(task.usage?.inputTokens).toBeGreaterThan(0);
    expect(task.usage?.outputTokens).toBeGreaterThan(0);
    expect((await stack.client.listNodes()).find((node) => node.id === task.nodeId)?.sandbox).toBe('bubblewrap');
    // … and the agent's tools see only the workspace's gateway token, never the node's key
    const agentEnv = showFile(repo, branch, 'AGENT_ENV.txt') ?? '';
    expect(agentEnv).toMatch(/^ANTHROPIC_API_KEY=flt_gw_/m);
    expect(agentEnv).toMatch(/^ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(agentEnv).not.toContain(NODE_KEY);
    // (e) workspace gone
    await waitUntil('the workspace is gone', () => !existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '')));
  });
});
