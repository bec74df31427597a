/**
 * Capability: a workspace created by hand (issue 3 item 5), through the public HTTP API only.
 * `POST /api/projects/:id/workspaces` → the node, the checkout on `workspace/<id>` and a
 * registered agent session come up (`running`); the first prompt to its chat session starts the
 * agent with exactly that text; the chat session (no task) holds the prompt, then the agent's
 * messages in order, persisted through the node daemon's outbox like a task's; a second prompt is
 * a follow-up and lands in the chat too; `DELETE` removes the workspace from its node.
 */
import { bootTestStack, createGitRepo, git, waitForWorkspaceRunning, waitUntil, type TestStack } from '@flotilla/testkit/stack';
import { ChatSession, CreateManualWorkspaceResponse, FollowUpPromptResponse, ManualWorkspace, type ChatMessage } from '@flotilla/contracts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';

let stack: TestStack;
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

beforeAll(async () => {
  stack = await bootTestStack({ nodeEnv: promptLogNodeEnv });
});

afterAll(async () => {
  await stack?.close();
});

const recordedPrompts = () => readPromptLog(promptLog);

/** A JSON call to the public API, checking the status. */
async function call<T>(method: string, path: string, status: number, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function waitForMessages(projectId: string, sessionId: string, done: (messages: ChatMessage[]) => boolean): Promise<ChatMessage[]> {
  let messages: ChatMessage[] = [];
  await waitUntil('the chat messages', async () => done((messages = await stack.client.allMessages(projectId, sessionId))), 60_000);
  return messages;
}

describe('a workspace created by hand', () => {
  it('gets a chat session: the first prompt starts the agent, a second is a follow-up, both persisted in order; DELETE removes it', async () => {
    const repo = createGitRepo({ 'README.md': '# by hand\n' });
    const project = await stack.client.createProject({ name: 'manual', repoUrl: repo, defaultBranch: 'main' });
    const created = CreateManualWorkspaceResponse.parse(await call('POST', `/api/projects/${project.id}/workspaces`, 202, { agentType: 'claude-code' }));
    expect(created.status).toBe('creating');
    const workspacePath = `/api/projects/${project.id}/workspaces/${created.workspaceId}`;

    const workspace = await waitForWorkspaceRunning(stack.client, project.id, created.workspaceId);
    expect(workspace).toMatchObject({ chatSessionId: created.chatSessionId, agentType: 'claude-code', branch: `workspace/${created.workspaceId}`, error: null });
    const nodeId = workspace.nodeId ?? '';
    const dir = stack.workspaceDir(nodeId, created.workspaceId);
    expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(`workspace/${created.workspaceId}`);
    // No agent runs yet, and the chat is empty.
    expect(recordedPrompts()).toEqual([]);
    expect(await stack.client.allMessages(project.id, created.chatSessionId)).toEqual([]);

    // The first prompt starts the agent with exactly that text.
    const first = 'say: hello from a manual workspace\nwrite manual.txt: by hand';
    const started = FollowUpPromptResponse.parse(await call('POST', `/api/projects/${project.id}/sessions/${created.chatSessionId}/prompt`, 202, { text: first }));
    expect(started).toMatchObject({ sessionId: created.chatSessionId, delivery: 'started' });
    await waitUntil('the agent got its first prompt', () => recordedPrompts().length >= 1, 60_000);
    expect(recordedPrompts()[0]).toMatchObject({ text: first });

    const afterFirst = await waitForMessages(project.id, created.chatSessionId, (messages) =>
      messages.some((m) => m.role === 'tool' && m.toolMetadata?.status === 'completed'),
    );
    expect(afterFirst[0]).toMatchObject({ role: 'user', content: first, messageId: started.messageId, seq: 1 });
    expect(afterFirst.filter((m) => m.role === 'user')).toHaveLength(1);
    expect(afterFirst[1]).toMatchObject({ role: 'assistant', content: expect.stringContaining('hello from a manual workspace') });
    const tool = afterFirst.find((m) => m.role === 'tool' && m.toolMetadata?.status === 'completed');
    expect(tool?.toolMetadata).toMatchObject({ kind: 'edit' });
    expect(tool?.toolMetadata?.target).toMatch(/manual\.txt$/);
    expect(readFileSync(join(dir, 'manual.txt'), 'utf8')).toBe('by hand');
    const session = ChatSession.parse(await call('GET', `/api/projects/${project.id}/sessions/${created.chatSessionId}`, 200));
    expect(session).toMatchObject({ taskId: null, workspaceId: created.workspaceId });

    // A second prompt goes to the running agent as a follow-up, and lands in the chat after the first turn.
    const second = 'say: and a follow-up';
    const followUp = FollowUpPromptResponse.parse(await call('POST', `/api/projects/${project.id}/sessions/${created.chatSessionId}/prompt`, 202, { text: second }));
    expect(['delivered', 'queued']).toContain(followUp.delivery);
    const all = await waitForMessages(project.id, created.chatSessionId, (messages) => messages.some((m) => m.role === 'assistant' && m.content.includes('and a follow-up')));
    expect(recordedPrompts().map((p) => p.text)).toEqual([first, second]);
    const secondUser = all.findIndex((m) => m.role === 'user' && m.content === second);
    expect(secondUser).toBeGreaterThan(afterFirst.indexOf(tool ?? afterFirst[0]!));
    expect(all[secondUser]).toMatchObject({ messageId: followUp.messageId });
    expect(all.findIndex((m) => m.role === 'assistant' && m.content.includes('and a follow-up'))).toBeGreaterThan(secondUser);
    expect(all.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([first, second]);
    expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));

    // DELETE: the workspace is gone from its node, and the node is released as after a completed task (warm).
    const deleted = ManualWorkspace.parse(await call('DELETE', workspacePath, 200));
    expect(deleted.status).toBe('destroyed');
    expect(existsSync(dir)).toBe(false);
    expect(await call('GET', `/api/nodes/${nodeId}`, 200)).toMatchObject({ status: 'warm' });
    await call('POST', `/api/projects/${project.id}/sessions/${created.chatSessionId}/prompt`, 409, { text: 'say: anyone?' });
  });
});
