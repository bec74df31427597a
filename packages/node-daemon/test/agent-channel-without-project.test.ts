/**
 * A manual workspace without a project (issue 3, "a workspace without a project skips project
 * persistence without errors"), on the node daemon as a real process with the real scripted
 * agent: the agent runs, nothing is sent to the project chat and nothing fails; the direct
 * channel (`GET /workspaces/:id/agent/ws`) replays the agent's updates, and a follow-up prompt
 * sent over it to the idle agent starts a new turn at once. The control plane is the fake one of
 * these daemon tests (it signs the viewer token and records callbacks and messages).
 */
import { randomUUID } from 'node:crypto';
import type { AgentSessionInfo, AgentStreamEvent } from '@flotilla/contracts';
import { JwtAudience, JWT_ISSUER } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, createBareOrigin } from '@flotilla/testkit/daemon';
import WebSocket from 'ws';

const NODE_ID = 'nod_noproject';
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({ nodeId: NODE_ID, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(NODE_ID), env: {} });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

async function sessionStatus(workspaceId: string, agentSessionId: string): Promise<string> {
  return (await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`)).body.status;
}

async function waitForStatus(workspaceId: string, agentSessionId: string, status: string): Promise<void> {
  await cp.waitFor(async () => ((await sessionStatus(workspaceId, agentSessionId)) === status ? true : undefined), 30_000, `status ${status}`);
}

/** Open the direct channel and collect its events. */
async function openChannel(workspaceId: string, token: string) {
  const events: AgentStreamEvent[] = [];
  const socket = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/${workspaceId}/agent/ws?token=${token}`);
  socket.on('message', (data: Buffer) => events.push(JSON.parse(data.toString('utf8')) as AgentStreamEvent));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, events };
}

const agentTexts = (events: AgentStreamEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'update' && e.update.sessionUpdate === 'agent_message_chunk' ? [(e.update['content'] as { text: string }).text] : []));

describe('a workspace without a project', () => {
  it('runs its agent without persisting or failing, and takes follow-ups over the direct channel', async () => {
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    const created = await api.request('POST', '/workspaces', {
      workspaceId,
      repoUrl: createBareOrigin(),
      baseBranch: 'main',
      branch: 'manual/scratch',
      projectId: null,
      chatSessionId: null,
      taskId: null,
      callbackToken: await cp.callbackToken(NODE_ID, workspaceId),
    });
    expect(created.status).toBe(202);
    await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
    const agentSessionId = 'as_manual';
    await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId, chatSessionId: null });
    const started = await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}/start`, {
      agentType: 'claude-code',
      initialPrompt: 'say: hello from a scratch workspace',
      taskId: null,
      taskTitle: null,
    });
    expect(started.status).toBe(202);
    await waitForStatus(workspaceId, agentSessionId, 'idle');

    const token = await cp.sign({ aud: JwtAudience.workspaceTerminal, sub: NODE_ID, iss: JWT_ISSUER, workspaceId });
    const { socket, events } = await openChannel(workspaceId, token);
    await cp.waitFor(() => (agentTexts(events).length > 0 ? true : undefined), 10_000, 'replay');
    expect(agentTexts(events)).toEqual(['hello from a scratch workspace']);

    socket.send(JSON.stringify({ type: 'prompt', text: 'say: and once more' }));
    const accepted = await cp.waitFor(() => events.find((e) => e.type === 'prompt.accepted'), 10_000, 'prompt accepted');
    expect(accepted).toMatchObject({ agentSessionId, delivery: 'delivered' });
    await cp.waitFor(() => (agentTexts(events).includes('and once more') ? true : undefined), 20_000, 'follow-up answer');
    await waitForStatus(workspaceId, agentSessionId, 'idle');
    socket.close();

    // Nothing went to a project chat, no task callback, and the session never failed.
    expect(cp.messages.filter((m) => m.id === workspaceId)).toEqual([]);
    expect(cp.taskCallbacks).toEqual([]);
    expect(daemon.logs()).not.toMatch(/"level":"error"/);
  });

  it('with a project and a chat session but no task, persists the chat the same way (and sends no task callback)', async () => {
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    await api.request('POST', '/workspaces', {
      workspaceId,
      repoUrl: createBareOrigin(),
      baseBranch: 'main',
      branch: 'manual/with-chat',
      projectId: 'prj_manual',
      chatSessionId: 'ses_manual',
      taskId: null,
      callbackToken: await cp.callbackToken(NODE_ID, workspaceId),
    });
    await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
    await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId: 'as_chat', chatSessionId: 'ses_manual' });
    await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/as_chat/start`, {
      agentType: 'claude-code',
      initialPrompt: 'say: a manual session\nthink: noted',
      taskId: null,
      taskTitle: null,
    });
    await waitForStatus(workspaceId, 'as_chat', 'idle');
    const stored = await cp.waitFor(() => {
      const mine = cp.messages.filter((m) => m.id === workspaceId);
      return mine.length >= 3 ? mine : undefined;
    }, 15_000, 'the manual session chat');
    expect(stored.map((m) => [m.body.sessionId, m.body.role, m.body.content])).toEqual([
      ['ses_manual', 'user', 'say: a manual session\nthink: noted'],
      ['ses_manual', 'assistant', 'a manual session'],
      ['ses_manual', 'thinking', 'noted'],
    ]);
    expect(cp.taskCallbacks).toEqual([]);
  });

  it('refuses the direct channel with a viewer token of another workspace (403)', async () => {
    const token = await cp.sign({ aud: JwtAudience.workspaceTerminal, sub: NODE_ID, iss: JWT_ISSUER, workspaceId: 'ws_other' });
    const refusal = await new Promise<number | undefined>((resolve) => {
      const socket = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/workspaces/ws_any/agent/ws?token=${token}`);
      socket.once('unexpected-response', (_request, res) => resolve(res.statusCode));
      socket.once('open', () => resolve(101));
      socket.once('error', () => undefined);
    });
    expect(refusal).toBe(403);
  });
});
