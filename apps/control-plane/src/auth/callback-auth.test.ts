/**
 * Callbacks from node daemons through the Worker: authentication and scoping of callback tokens
 * (callback-auth.ts, the `nodeToken` and `workspaceToken` auth kinds), validation of message
 * batches (chat/messages.routes.ts; nothing stored after a bad request), and the size limit.
 */
import type { ChatMessageInput } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { getNode } from '../nodes/repository.js';
import { signNodeManagementToken } from './tokens.js';
import { allMessages, api, callbackToken, deps, createProject, createTask, expectJson, message, messages, seedWorkspace } from '../../test/helpers.js';

type ErrorJson = { error: { code: string; message: string } };

let projectId: string;
let sessionId: string;
let ws: { nodeId: string; workspaceId: string; token: string };
let otherWs: { nodeId: string; workspaceId: string; token: string };

beforeAll(async () => {
  const project = await createProject('callbacks');
  projectId = project.id;
  const task = await createTask(projectId, { description: 'Callback target' });
  sessionId = task.chatSessionId!;
  ws = await seedWorkspace(projectId, sessionId);
  const otherTask = await createTask(projectId, { description: 'Another task' });
  otherWs = await seedWorkspace(projectId, otherTask.chatSessionId!);
});

const post = (workspaceId: string, body: unknown, token?: string) =>
  api(`/api/workspaces/${workspaceId}/messages`, { method: 'POST', body, ...(token ? { token } : {}) });

/** Send a request that must fail with `status`, and check the session did not change. */
async function expectRefused(request: Promise<Response>, status: number, mention?: string) {
  const before = await allMessages(projectId, sessionId);
  const error = await expectJson<ErrorJson>(await request, status);
  if (mention) expect(error.error.message).toContain(mention);
  expect(await allMessages(projectId, sessionId)).toEqual(before);
  return error;
}

describe('POST /api/workspaces/:workspaceId/messages', () => {
  it('persists a batch and answers duplicates on a resend', async () => {
    const batch = messages(sessionId, 3);
    expect(await expectJson(await post(ws.workspaceId, { messages: batch }, ws.token), 200)).toEqual({ persisted: 3, duplicates: 0 });
    expect(await expectJson(await post(ws.workspaceId, { messages: batch }, ws.token), 200)).toEqual({ persisted: 0, duplicates: 3 });
    const stored = await allMessages(projectId, sessionId);
    expect(stored.map((m) => m.content)).toEqual(['Callback target', 'message 1', 'message 2', 'message 3']);
  });

  it('answers 401 without a token and with a bad one', async () => {
    const body = { messages: [message(sessionId)] };
    const missing = await expectRefused(post(ws.workspaceId, body), 401);
    expect(missing.error.code).toBe('unauthorized');
    await expectRefused(post(ws.workspaceId, body, 'not-a-jwt'), 401);
    // A well-formed token with its signature altered.
    await expectRefused(post(ws.workspaceId, body, `${ws.token.slice(0, -4)}AAAA`), 401);
    // A token of the wrong audience (the one the control plane presents to daemons).
    await expectRefused(post(ws.workspaceId, body, await signNodeManagementToken(deps(), ws.nodeId)), 401);
    // Basic auth is not a bearer token.
    await expectRefused(api(`/api/workspaces/${ws.workspaceId}/messages`, { method: 'POST', body, headers: { authorization: 'Basic abc' } }), 401);
  });

  it('answers 403 for a token of another workspace, or of the node alone', async () => {
    const body = { messages: [message(sessionId)] };
    const error = await expectRefused(post(ws.workspaceId, body, otherWs.token), 403);
    expect(error.error.code).toBe('forbidden');
    await expectRefused(post(ws.workspaceId, body, await callbackToken(ws.nodeId)), 403);
    // A token naming this workspace but signed for another node.
    await expectRefused(post(ws.workspaceId, body, await callbackToken(otherWs.nodeId, ws.workspaceId)), 403);
  });

  it('answers 403 for messages of a session that is not the workspace’s', async () => {
    const other = await allMessages(projectId, (await createTask(projectId, { description: 'third' })).chatSessionId!);
    const foreignSession = other[0]!.sessionId;
    await expectRefused(post(ws.workspaceId, { messages: [message(sessionId), message(foreignSession)] }, ws.token), 403, foreignSession);
    expect(await allMessages(projectId, foreignSession)).toEqual(other);
  });

  it('answers 404 for messages of a session that does not exist', async () => {
    await expectRefused(post(ws.workspaceId, { messages: [message(sessionId), message('ses_unknown')] }, ws.token), 404, 'ses_unknown');
  });

  it('answers 404 for an unknown workspace', async () => {
    const token = await callbackToken(ws.nodeId, 'ws_unknown');
    await expectRefused(post('ws_unknown', { messages: [message(sessionId)] }, token), 404, 'ws_unknown');
  });

  const bad: Array<[string, (s: string) => unknown, string]> = [
    ['no messages', () => ({ messages: [] }), 'at least 1'],
    ['101 messages', (s) => ({ messages: Array.from({ length: 101 }, () => message(s)) }), 'at most 100'],
    ['a bad role', (s) => ({ messages: [message(s, { role: 'robot' as ChatMessageInput['role'] })] }), 'messages.0.role'],
    ['empty content', (s) => ({ messages: [message(s), message(s, { content: '' })] }), 'messages.1.content'],
    ['a non-UUID messageId', (s) => ({ messages: [message(s, { messageId: 'msg-1' })] }), 'messages.0.messageId'],
    ['a bad timestamp', (s) => ({ messages: [message(s, { timestamp: 'yesterday' })] }), 'messages.0.timestamp'],
    ['a missing messages field', () => ({}), 'messages'],
    ['a body that is not JSON', () => '{"messages": [', 'not valid JSON'],
  ];
  it.each(bad)('answers 400 for %s and stores nothing', async (_case, body, mention) => {
    const error = await expectRefused(post(ws.workspaceId, body(sessionId), ws.token), 400, mention);
    expect(error.error.code).toBe('bad_request');
  });

  it('answers 413 for a body over 256 KiB, declared or streamed', async () => {
    const big = { messages: [message(sessionId, { content: 'x'.repeat(256 * 1024) })] };
    const error = await expectRefused(post(ws.workspaceId, big, ws.token), 413);
    expect(error.error.code).toBe('payload_too_large');

    // Without a content-length the size is measured after reading.
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    await expectRefused(
      api(`/api/workspaces/${ws.workspaceId}/messages`, { method: 'POST', body: stream, token: ws.token, headers: { 'content-type': 'application/json' } }),
      413,
    );

    // Just under the limit is fine.
    const fits = { messages: [message(sessionId, { content: 'y'.repeat(200 * 1024) })] };
    expect(await expectJson(await post(ws.workspaceId, fits, ws.token), 200)).toEqual({ persisted: 1, duplicates: 0 });
  });
});

describe('node and task callbacks', () => {
  it('refuses node callbacks with a token of another node (403) and for unknown nodes (404)', async () => {
    const body = { url: 'http://127.0.0.1:1', daemonVersion: '1.0.0' };
    await expectJson(await api(`/api/nodes/${ws.nodeId}/ready`, { method: 'POST', body }), 401);
    await expectJson(await api(`/api/nodes/${ws.nodeId}/ready`, { method: 'POST', body, token: await callbackToken(otherWs.nodeId) }), 403);
    await expectJson(await api('/api/nodes/nod_unknown/ready', { method: 'POST', body, token: await callbackToken('nod_unknown') }), 404);
    await expectJson(await api(`/api/nodes/${ws.nodeId}/ready`, { method: 'POST', body: { url: 'not a url', daemonVersion: '1' }, token: await callbackToken(ws.nodeId) }), 400);
    await expectJson(await api(`/api/nodes/${ws.nodeId}/heartbeat`, { method: 'POST', body: { workspaceIds: [] }, token: await callbackToken(ws.nodeId) }), 200);
  });

  it('refuses a workspace token on the node routes (403): it may not speak for its node', async () => {
    const before = await getNode(env.DB, ws.nodeId);
    const ready = await expectJson<ErrorJson>(
      await api(`/api/nodes/${ws.nodeId}/ready`, { method: 'POST', body: { url: 'http://127.0.0.1:2/elsewhere', daemonVersion: '1.0.0' }, token: ws.token }),
      403,
    );
    expect(ready.error).toEqual({ code: 'forbidden', message: expect.stringContaining("node's own token") });
    await expectJson(await api(`/api/nodes/${ws.nodeId}/heartbeat`, { method: 'POST', body: { workspaceIds: [ws.workspaceId] }, token: ws.token }), 403);
    expect(await getNode(env.DB, ws.nodeId)).toEqual(before);
  });

  it('refuses a task callback whose token is not scoped to the task’s workspace', async () => {
    const task = await createTask(projectId, { description: 'not running' });
    const body = { status: 'failed', error: 'boom' };
    await expectJson(await api(`/api/tasks/${task.id}/callback`, { method: 'POST', body }), 401);
    await expectJson(await api(`/api/tasks/${task.id}/callback`, { method: 'POST', body, token: ws.token }), 403);
    await expectJson(await api('/api/tasks/tsk_unknown/callback', { method: 'POST', body, token: ws.token }), 404);
    expect((await expectJson<{ status: string }>(await api(`/api/tasks/${task.id}`), 200)).status).toBe('draft');
  });
});
