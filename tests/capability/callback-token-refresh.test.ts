/**
 * Capability: callback tokens are refreshed through the node heartbeat, so a workspace outliving
 * CALLBACK_TOKEN_TTL_MS still delivers its chat messages and its task callback. With 8-second
 * tokens and a heartbeat every 500 ms, a scripted agent keeps its turn running for more than three
 * token lifetimes and only then speaks and writes a file: the task completes, the branch holds the
 * file, and the chat holds the messages from both ends of the turn.
 */
import { bootTestStack, createGitRepo, showFile, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TTL_MS = 8_000;
let stack: TestStack;

beforeAll(async () => {
  stack = await bootTestStack({
    vars: { CALLBACK_TOKEN_TTL_MS: String(TTL_MS) },
    nodeEnv: { NODE_HEARTBEAT_INTERVAL_MS: '500' },
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('callback tokens are refreshed with the heartbeat', () => {
  it('a task running past three token lifetimes still delivers its late messages, branch and callback', async () => {
    const repo = createGitRepo({ 'README.md': '# refresh\n' });
    const project = await stack.client.createProject({ name: 'token-refresh', repoUrl: repo, defaultBranch: 'main' });
    const description = ['say: early', `sleep: ${3 * TTL_MS + 1_000}`, 'say: late after refresh', 'write LATE.md: late', 'say: done'].join('\n');
    const created = await stack.client.createTask(project.id, { description, run: true });

    const task = await waitForTask(stack.client, created.id, 90_000);
    expect(task.error).toBeNull();
    expect(task.status).toBe('completed');
    expect(showFile(repo, `task/${task.id}`, 'LATE.md')).toBe('late');

    const messages = await stack.client.allMessages(project.id, task.chatSessionId ?? '');
    const assistant = messages.filter((m) => m.role === 'assistant').map((m) => m.content);
    expect(assistant.some((text) => text.includes('early'))).toBe(true);
    expect(assistant.some((text) => text.includes('late after refresh'))).toBe(true);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
  });
});
