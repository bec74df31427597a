/**
 * Capability (issue 3): `POST /api/workspaces/:workspaceId/messages` on the real stack, against
 * workspaces whose scripted agents are running. The test calls the endpoint as the node daemon
 * does, with a workspace's own callback token (read from the node's daemon.db): the same batch
 * posted three times is persisted once, and each bad input gets its documented status with a
 * JSON error while the session's stored messages stay unchanged. (Each rule is also covered
 * inside workerd in apps/control-plane/src/routes/callbacks.test.ts; this proves it across the
 * real processes.)
 */
import type { ChatMessage, ChatMessageInput } from '@flotilla/contracts';
import { bootTestStack, createGitRepo, workspaceCallbackToken, type TestStack } from '@flotilla/testkit/stack';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactlyOnceInSequence, waitForWorkspace, waitUntil } from './chat-support.js';

interface LiveWorkspace {
  projectId: string;
  sessionId: string;
  workspaceId: string;
  token: string;
}

let stack: TestStack;
let target: LiveWorkspace;
let other: LiveWorkspace;

/**
 * Start a task whose agent says one thing (stored once the thought after it starts) and then
 * stays busy, and wait for its workspace and callback token.
 */
async function startBusyTask(projectId: string, label: string): Promise<LiveWorkspace> {
  const created = await stack.client.createTask(projectId, { description: `say: ${label} is up\nthink: ${label} waits\nsleep: 120000`, run: true });
  const task = await waitForWorkspace(stack.client, created.id);
  const sessionId = task.chatSessionId ?? '';
  await waitUntil(`${label}'s first message`, () => stack.client.allMessages(projectId, sessionId), (m) => m.length >= 2);
  const workspaceId = task.workspaceId ?? '';
  const token = await waitUntil(`${label}'s callback token on its node`, async () => workspaceCallbackToken(stack.nodeDataDir(task.nodeId ?? ''), workspaceId), Boolean);
  return { projectId, sessionId, workspaceId, token };
}

beforeAll(async () => {
  stack = await bootTestStack();
  const project = await stack.client.createProject({ name: 'batches', repoUrl: createGitRepo({ 'README.md': '# batches\n' }), defaultBranch: 'main' });
  [target, other] = await Promise.all([startBusyTask(project.id, 'target'), startBusyTask(project.id, 'other')]);
});

afterAll(async () => {
  await stack?.close();
});

function message(sessionId: string, overrides: Partial<ChatMessageInput> = {}): ChatMessageInput {
  return { messageId: randomUUID(), sessionId, role: 'assistant', content: 'from the test', timestamp: new Date().toISOString(), ...overrides };
}

function postBatch(workspaceId: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${stack.url}/api/workspaces/${workspaceId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const stored = (): Promise<ChatMessage[]> => stack.client.allMessages(target.projectId, target.sessionId);

describe('POST /api/workspaces/:workspaceId/messages on the real stack', () => {
  it('persists a batch posted three times once, counting the duplicates', async () => {
    const batch = [
      message(target.sessionId, { role: 'assistant', content: 'batch: one' }),
      message(target.sessionId, { role: 'thinking', content: 'batch: two' }),
      message(target.sessionId, { role: 'tool', content: 'batch: three', toolMetadata: { toolCallId: 'call-1', status: 'completed' } }),
    ];
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await postBatch(target.workspaceId, { messages: batch }, target.token);
      expect(response.status).toBe(200);
      answers.push(await response.json());
    }
    expect(answers).toEqual([
      { persisted: 3, duplicates: 0 },
      { persisted: 0, duplicates: 3 },
      { persisted: 0, duplicates: 3 },
    ]);
    const messages = await stored();
    expectExactlyOnceInSequence(messages);
    for (const sent of batch) expect(messages.filter((m) => m.messageId === sent.messageId)).toHaveLength(1);
    expect(messages.slice(-3).map((m) => m.content)).toEqual(['batch: one', 'batch: two', 'batch: three']);
  });

  const s = (): string => target.sessionId;
  const cases: Array<[string, () => { workspaceId?: string; body: unknown; token?: string | null }, number, string]> = [
    ['no token', () => ({ body: { messages: [message(s())] }, token: null }), 401, 'unauthorized'],
    ['an invalid token', () => ({ body: { messages: [message(s())] }, token: 'not.a.jwt' }), 401, 'unauthorized'],
    ["another workspace's token", () => ({ body: { messages: [message(s())] }, token: other.token }), 403, 'forbidden'],
    ["a message for another workspace's session", () => ({ body: { messages: [message(s()), message(other.sessionId)] } }), 403, 'forbidden'],
    ['a message for an unknown session', () => ({ body: { messages: [message(s()), message('ses_unknown')] } }), 404, 'not_found'],
    ['no messages', () => ({ body: { messages: [] } }), 400, 'bad_request'],
    ['101 messages', () => ({ body: { messages: Array.from({ length: 101 }, () => message(s())) } }), 400, 'bad_request'],
    ['a role outside the enum', () => ({ body: { messages: [message(s(), { role: 'robot' as ChatMessageInput['role'] })] } }), 400, 'bad_request'],
    ['empty content', () => ({ body: { messages: [message(s()), message(s(), { content: '' })] } }), 400, 'bad_request'],
    ['a messageId that is not a UUID', () => ({ body: { messages: [message(s(), { messageId: 'msg-1' })] } }), 400, 'bad_request'],
    ['a timestamp that is not ISO-8601', () => ({ body: { messages: [message(s(), { timestamp: 'yesterday' })] } }), 400, 'bad_request'],
    ['a body that is not JSON', () => ({ body: '{"messages": [' }), 400, 'bad_request'],
    ['a body over 256 KiB', () => ({ body: { messages: [message(s(), { content: 'x'.repeat(256 * 1024) })] } }), 413, 'payload_too_large'],
  ];
  it.each(cases)('refuses %s with the documented status and a JSON error, storing nothing', async (_name, make, status, code) => {
    const before = await stored();
    const { body, token, workspaceId } = make();
    const response = await postBatch(workspaceId ?? target.workspaceId, body, token === null ? undefined : (token ?? target.token));
    expect(response.status).toBe(status);
    const error = (await response.json()) as { error: { code: string; message: string } };
    expect(error.error.code).toBe(code);
    expect(error.error.message.length).toBeGreaterThan(0);
    expect(await stored()).toEqual(before);
    expect(await stack.client.allMessages(other.projectId, other.sessionId)).toHaveLength(2);
  });
});
