/**
 * Each prompt is stored once (issue 11 item 6, the daemon's side), on a real daemon process with
 * the scripted agent: a prompt that arrives with the messageId under which the control plane
 * already stored it — the start request's `initialPromptMessageId`, a `POST …/prompt` delivery's
 * `messageId` — is not sent to the chat again; a prompt the daemon is the first to see (a
 * viewer's, over the direct channel) is, in its place. The agent gets all of them, and viewers of
 * the direct channel see each follow-up as a `user_message_chunk` where the agent got it.
 */
import { randomUUID } from 'node:crypto';
import type { AgentSessionInfo, AgentStreamEvent, FollowUpPromptDelivery } from '@flotilla/contracts';
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';
import { createBareOrigin, daemonApi, startDaemonProcess, startFakeControlPlane, type DaemonApi, type DaemonProcess, type FakeControlPlane } from '@flotilla/testkit/daemon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const NODE_ID = 'nod_once';
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({
    nodeId: NODE_ID,
    controlPlaneUrl: cp.url,
    callbackToken: await cp.callbackToken(NODE_ID),
    env: promptLogNodeEnv,
  });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

/** Text of an update event of `kind`, or undefined. */
function chunkText(event: AgentStreamEvent, kind: 'agent_message_chunk' | 'user_message_chunk'): string | undefined {
  if (event.type !== 'update' || event.update.sessionUpdate !== kind) return undefined;
  return (event.update['content'] as { text?: string }).text;
}

describe('a prompt in the chat', () => {
  it('is stored once: not again when the control plane stored it, by the daemon when it is the first to see it', async () => {
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    await api.request('POST', '/workspaces', {
      workspaceId,
      repoUrl: createBareOrigin(),
      baseBranch: 'main',
      branch: `manual/${workspaceId}`,
      projectId: 'prj_once',
      chatSessionId: 'ses_once',
      taskId: null,
      callbackToken: await cp.callbackToken(NODE_ID, workspaceId),
    });
    await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
    const base = `/workspaces/${workspaceId}/agent-sessions/as_once`;
    const idle = () => cp.waitFor(async () => ((await api.request<AgentSessionInfo>('GET', base)).body.status === 'idle' ? true : undefined), 30_000, 'an idle agent');
    await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId: 'as_once', chatSessionId: 'ses_once' });

    // The initial prompt, stored by the control plane under initialPromptMessageId.
    const initialId = randomUUID();
    await api.request('POST', `${base}/start`, { agentType: 'claude-code', initialPrompt: 'say: first answer', initialPromptMessageId: initialId, taskId: null, taskTitle: null });
    await idle();

    const token = await cp.viewerToken(NODE_ID, workspaceId);
    const events: AgentStreamEvent[] = [];
    const viewer = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/${workspaceId}/agent/ws?token=${token}`);
    viewer.on('message', (data: Buffer) => events.push(JSON.parse(data.toString('utf8')) as AgentStreamEvent));
    await new Promise((resolve, reject) => viewer.once('open', resolve).once('error', reject));
    const answered = (text: string) => cp.waitFor(() => (events.some((e) => chunkText(e, 'agent_message_chunk') === text) ? true : undefined), 30_000, `"${text}"`);

    // A follow-up the control plane stored and delivers with its messageId.
    const followUpId = randomUUID();
    const delivered = await api.request<FollowUpPromptDelivery>('POST', `${base}/prompt`, { text: 'say: second answer', messageId: followUpId });
    expect(delivered.body).toEqual({ agentSessionId: 'as_once', delivery: 'delivered' });
    await answered('second answer');
    await idle();

    // A viewer's prompt: the daemon is the first to see it.
    viewer.send(JSON.stringify({ type: 'prompt', text: 'say: third answer' }));
    const accepted = await cp.waitFor(() => events.find((e) => e.type === 'prompt.accepted'), 30_000, 'prompt accepted');
    await answered('third answer');
    await idle();
    viewer.close();

    const chat = await cp.waitFor(() => {
      const mine = cp.received(workspaceId);
      return mine.some((m) => m.content === 'third answer') ? mine : undefined;
    }, 30_000, 'the chat');
    expect(chat.map((m) => [m.role, m.content])).toEqual([
      ['assistant', 'first answer'],
      ['assistant', 'second answer'],
      ['user', 'say: third answer'],
      ['assistant', 'third answer'],
    ]);
    expect(chat[2]?.messageId).toBe(accepted.type === 'prompt.accepted' ? accepted.messageId : '');
    expect(chat.map((m) => m.messageId)).not.toContain(initialId);
    expect(chat.map((m) => m.messageId)).not.toContain(followUpId);

    // The agent got every prompt; viewers saw the follow-ups where the agent got them.
    expect(readPromptLog(promptLog).map((entry) => entry.text)).toEqual(['say: first answer', 'say: second answer', 'say: third answer']);
    const texts = events.map((e) => chunkText(e, 'agent_message_chunk') ?? chunkText(e, 'user_message_chunk')).filter(Boolean);
    expect(texts).toEqual(['first answer', 'say: second answer', 'second answer', 'say: third answer', 'third answer']);
  });
});
