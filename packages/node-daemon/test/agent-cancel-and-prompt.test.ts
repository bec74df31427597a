/**
 * The daemon's cancel and follow-up prompt routes (issue 4) on a real daemon process with the
 * scripted agent: `POST …/agent-sessions/:sid/prompt` queues behind a running turn and never
 * takes the same messageId twice; `POST …/agent-sessions/:sid/cancel` stops the agent (ACP
 * `session/cancel`, then the process), reports no task outcome, and keeps the workspace.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AgentSessionInfo, FollowUpPromptDelivery, WorkspaceInfo } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, createBareOrigin } from '@flotilla/testkit/daemon';

const NODE_ID = 'nod_cancel';
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({ nodeId: NODE_ID, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(NODE_ID), env: { AGENT_KILL_TIMEOUT_MS: '2000' } });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  await daemon?.stop();
  await cp?.close();
});

/** A workspace whose agent session is in a long `sleep:` turn. */
async function sleepingAgent(): Promise<{ workspaceId: string; taskId: string; base: string }> {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const taskId = `tsk_${randomUUID().slice(0, 8)}`;
  await api.request('POST', '/workspaces', {
    workspaceId,
    repoUrl: createBareOrigin(),
    baseBranch: 'main',
    branch: `task/${taskId}`,
    projectId: null,
    chatSessionId: null,
    taskId,
    callbackToken: await cp.callbackToken(NODE_ID, workspaceId),
  });
  await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
  await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId: 'as_1', chatSessionId: null });
  await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/as_1/start`, { agentType: 'claude-code', initialPrompt: 'sleep: 60000', taskId, taskTitle: null });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const session = await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/as_1`);
    if (session.body.status === 'running') break;
    if (Date.now() > deadline) throw new Error(`agent session is ${session.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { workspaceId, taskId, base: `/workspaces/${workspaceId}/agent-sessions/as_1` };
}

describe('agent session cancel and follow-up prompts', () => {
  it('queues a follow-up behind the running turn and answers a repeated messageId as a duplicate', async () => {
    const { base } = await sleepingAgent();
    const messageId = randomUUID();
    const first = await api.request<FollowUpPromptDelivery>('POST', `${base}/prompt`, { text: 'say: later', messageId });
    expect(first).toEqual({ status: 202, body: { agentSessionId: 'as_1', delivery: 'queued' } });
    const again = await api.request<FollowUpPromptDelivery>('POST', `${base}/prompt`, { text: 'say: later', messageId });
    expect(again).toEqual({ status: 202, body: { agentSessionId: 'as_1', delivery: 'duplicate' } });
    expect((await api.request('POST', `${base}/prompt`, { text: 'x', messageId: 'not-a-uuid' })).status).toBe(400);
    expect((await api.request('POST', base.replace('as_1', 'as_other') + '/prompt', { text: 'x', messageId: randomUUID() })).status).toBe(409);
  });

  it('cancel stops the agent, reports no task outcome and keeps the workspace; prompts are refused after', async () => {
    const { workspaceId, taskId, base } = await sleepingAgent();
    const startedAt = Date.now();
    const cancelled = await api.request<AgentSessionInfo>('POST', `${base}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ agentSessionId: 'as_1', status: 'stopped', error: 'cancelled' });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    const workspace = await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`);
    expect(workspace.body.status).toBe('running');
    expect(existsSync(workspace.body.path)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cp.taskCallbacks.find((c) => c.id === taskId)).toBeUndefined();
    expect((await api.request('POST', `${base}/prompt`, { text: 'say: hi', messageId: randomUUID() })).status).toBe(404);
    // Cancelling again answers the same stopped session.
    expect((await api.request<AgentSessionInfo>('POST', `${base}/cancel`)).body.status).toBe('stopped');
    expect((await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/as_nope/cancel`)).status).toBe(404);
  });
});
