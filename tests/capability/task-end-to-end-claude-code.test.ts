/**
 * Capability: a task runs end to end with Claude Code itself (issue 2, DESIGN.md §2): its ACP
 * adapter from npm, talking to the fake Anthropic Messages API (testkit). Through the public HTTP
 * API only: the model request carries the exact description as the user's prompt, the task
 * branch holds the change, the chat holds the agent's text and tool call, and the workspace is
 * gone from the node. Its own stack, whose nodes run the real agents (`agents: 'real'`); the same
 * path with the scripted agent is task-end-to-end.
 */
import { bootTestStack, createGitRepo, git, showFile, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { startFakeAnthropic, type FakeAnthropic } from '@flotilla/testkit/fake-anthropic';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTaskToEnd } from './task-support.js';

let stack: TestStack;
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic({ script: [] });
  stack = await bootTestStack({ agents: 'real', nodeEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'test-key-not-real' } });
});

afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

const runTask = (repo: string, description: string) => runTaskToEnd(stack, repo, description);

describe('a task runs end to end', () => {
  it('with Claude Code against the fake Anthropic API', async () => {
    fake.setScript([
      { text: 'I will create the file.', toolUses: [{ name: 'Bash', input: { command: "printf 'made by claude\\n' > CHANGE.md", description: 'Create CHANGE.md' } }] },
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
    // (e) workspace gone
    await waitUntil('the workspace is gone', () => !existsSync(stack.workspaceDir(task.nodeId ?? '', task.workspaceId ?? '')));
  });
});
