/**
 * Capability: notifications (issue 16, item 3). Through the public API only: a project with two
 * outgoing webhooks (JSON and Slack-compatible) whose receiver — a small HTTP server here —
 * answers 500 to the first delivery, and a browser's Web Push subscription at the testkit's fake
 * push service. A task runs to completion; then the JSON receiver got the completion twice, each
 * with a valid signature (checked here with node:crypto over `<timestamp>.<raw body>`), the
 * delivery log shows both attempts (500 then 204), the Slack one got `{text}`, and the push
 * service accepted a VAPID-signed push whose decrypted payload is the completion. And an agent
 * asking permission (a workspace with policy `ask`) is announced to both, with how to answer; the
 * answer posted where the push says (as the service worker's Allow does) lets the agent go on.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { NotificationPayload } from '@flotilla/contracts';
import { startFakePushService, type FakePushService } from '@flotilla/testkit/fake-push';
import { bootTestStack, createGitRepo, waitForTask, type TestStack } from '@flotilla/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records every request; answers a path the statuses `answers[path]` lists, in turn, then 204. */
async function startReceiver(answers: Record<string, number[]>) {
  const received: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers[req.url ?? '']?.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Whether `hook` carries a valid `X-Flotilla-Signature` for `secret` (README "Notifications"). */
function signatureIsValid(hook: ReceivedHook, secret: string): boolean {
  const timestamp = String(hook.headers['x-flotilla-timestamp'] ?? '');
  const signature = String(hook.headers['x-flotilla-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${hook.body}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

let stack: TestStack;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let push: FakePushService;

beforeAll(async () => {
  receiver = await startReceiver({ '/json': [500] });
  push = await startFakePushService();
  // A short first retry delay, so the retry after the 500 comes within the test.
  stack = await bootTestStack({ agents: 'scripted', vars: { NOTIFICATION_RETRY_BASE_MS: '300' } });
});

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  await push?.close();
});

describe('notifications', () => {
  it('refuses a webhook URL that is not https, and never shows a secret again', async () => {
    const project = await stack.client.createProject({ name: 'hooks-refused', repoUrl: createGitRepo(), defaultBranch: 'main' });
    await expect(stack.client.createWebhook(project.id, { url: 'http://example.com/hook' })).rejects.toMatchObject({ status: 400 });
    const created = await stack.client.createWebhook(project.id, { url: `${receiver.url}/unused`, events: ['task.failed'] });
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const [listed] = await stack.client.listWebhooks(project.id);
    expect(listed).toEqual({ id: created.id, projectId: project.id, url: `${receiver.url}/unused`, events: ['task.failed'], format: 'json', createdAt: created.createdAt });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    await stack.client.deleteWebhook(project.id, created.id);
    expect(await stack.client.listWebhooks(project.id)).toEqual([]);
  });

  it('a completed task: signed webhook retried after a 500 with both attempts logged, Slack text, and a Web Push', async () => {
    const project = await stack.client.createProject({ name: 'notify me', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const hook = await stack.client.createWebhook(project.id, { url: `${receiver.url}/json`, events: ['task.completed', 'task.failed'] });
    const slack = await stack.client.createWebhook(project.id, { url: `${receiver.url}/slack`, format: 'slack' });
    const subscription = push.subscribe();
    push.expectApplicationServerKey(await stack.client.getVapidPublicKey());
    await stack.client.putPushSubscription(subscription);

    const created = await stack.client.createTask(project.id, { description: 'write DONE.md: done\nsay: finished', run: true, agentType: 'claude-code' });
    const task = await waitForTask(stack.client, created.id, 180_000);
    expect(task.status).toBe('completed');

    // The JSON webhook: a 500 first, then the retry; both signed, the same event.
    await expect.poll(() => receiver.received.filter((r) => r.path === '/json').length).toBe(2);
    const deliveries = receiver.received.filter((r) => r.path === '/json');
    for (const delivery of deliveries) {
      expect(signatureIsValid(delivery, hook.secret)).toBe(true);
      expect(signatureIsValid(delivery, slack.secret)).toBe(false);
      expect(Math.abs(Number(delivery.headers['x-flotilla-timestamp']) - Date.now() / 1000)).toBeLessThan(600);
      expect(delivery.headers['x-flotilla-event']).toBe('task.completed');
      expect(delivery.headers['content-type']).toBe('application/json');
    }
    expect(deliveries[0]?.headers['x-flotilla-delivery']).toBe(deliveries[1]?.headers['x-flotilla-delivery']);
    const payload = NotificationPayload.parse(JSON.parse(deliveries[1]?.body ?? ''));
    expect(payload).toMatchObject({
      event: 'task.completed',
      project: { id: project.id, name: 'notify me' },
      task: { id: task.id, title: task.title, status: 'completed', branch: `task/${task.id}`, prUrl: null, error: null },
    });
    expect(payload.task?.url).toBe(`${stack.url}/projects/${project.id}/chat/${task.chatSessionId}`);

    // The delivery log shows both attempts, newest first.
    await expect.poll(async () => (await stack.client.listWebhookDeliveries(project.id, hook.id)).length).toBe(2);
    const log = await stack.client.listWebhookDeliveries(project.id, hook.id);
    expect(log.map(({ attempt, statusCode, willRetry, event, taskId }) => ({ attempt, statusCode, willRetry, event, taskId }))).toEqual([
      { attempt: 2, statusCode: 204, willRetry: false, event: 'task.completed', taskId: task.id },
      { attempt: 1, statusCode: 500, willRetry: true, event: 'task.completed', taskId: task.id },
    ]);
    expect(log[1]?.error).toMatch(/500/);
    expect(log[0]?.error).toBeNull();

    // The Slack-compatible webhook: `{text}` naming the event and linking the task.
    await expect.poll(() => receiver.received.filter((r) => r.path === '/slack').length).toBe(1);
    const slackHook = receiver.received.find((r) => r.path === '/slack');
    expect(signatureIsValid(slackHook!, slack.secret)).toBe(true);
    expect(JSON.parse(slackHook?.body ?? '')).toEqual({ text: expect.stringContaining(`Task completed: <${payload.task?.url}|`) });

    // Web Push: the fake push service verified the VAPID JWT and decrypted the completion.
    await expect.poll(() => push.received.length).toBe(1);
    expect(push.refusals).toEqual([]);
    const [pushed] = push.received;
    expect(pushed?.claims.aud).toBe(push.url);
    const message = JSON.parse(pushed?.text ?? '') as NotificationPayload & { title: string };
    expect(message.title).toBe(`Task completed: ${task.title}`);
    expect(NotificationPayload.parse(message)).toMatchObject({ event: 'task.completed', task: { id: task.id, status: 'completed' } });
  });

  it('an agent asking permission: webhook and push carry the request, and its Allow answers it', async () => {
    const project = await stack.client.createProject({ name: 'asking', repoUrl: createGitRepo(), defaultBranch: 'main' });
    const hook = await stack.client.createWebhook(project.id, { url: `${receiver.url}/asking` });
    expect(hook.events).toEqual(['task.completed', 'task.failed', 'permission.requested']);
    const pushesBefore = push.received.length;
    const { workspaceId, chatSessionId } = await stack.client.createWorkspace(project.id, { permissionPolicy: 'ask' });
    await expect.poll(async () => (await stack.client.getWorkspace(project.id, workspaceId)).status, { timeout: 120_000 }).toBe('running');
    await stack.client.sendFollowUpPrompt(project.id, chatSessionId, 'write asked.txt: allowed from a notification');

    await expect.poll(() => push.received.length, { timeout: 60_000 }).toBe(pushesBefore + 1);
    const pushed = JSON.parse(push.received.at(-1)?.text ?? '') as NotificationPayload & { title: string };
    expect(pushed).toMatchObject({
      event: 'permission.requested',
      title: 'The agent asks permission: Write asked.txt',
      project: { id: project.id },
      task: null,
      url: `${stack.url}/projects/${project.id}/workspaces/${workspaceId}`,
      permission: { workspaceId, title: 'Write asked.txt', allowOptionId: 'allow', denyOptionId: 'reject' },
    });
    await expect.poll(() => receiver.received.filter((r) => r.path === '/asking').length).toBe(1);
    const delivered = receiver.received.find((r) => r.path === '/asking')!;
    expect(signatureIsValid(delivered, hook.secret)).toBe(true);
    expect(NotificationPayload.parse(JSON.parse(delivered.body)).permission).toEqual(pushed.permission);

    // What the service worker's Allow does: POST the answer where the notification says.
    const answer = () => fetch(`${stack.url}${pushed.permission?.answerPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ optionId: pushed.permission?.allowOptionId }) });
    expect((await answer()).status).toBe(204);
    const nodeId = (await stack.client.getWorkspace(project.id, workspaceId)).nodeId ?? '';
    const file = join(stack.workspaceDir(nodeId, workspaceId), 'asked.txt');
    await expect.poll(() => existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('allowed from a notification');
    // Answered: not open any more.
    expect((await answer()).status).toBe(404);
    await stack.client.deleteWorkspace(project.id, workspaceId);
  });
});
