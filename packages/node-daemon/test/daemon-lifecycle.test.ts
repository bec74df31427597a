/**
 * Lifecycle of a real daemon process around a running agent: deleting a workspace mid-turn, and
 * a daemon restart (state survives in `daemon.db`; a turn cut short is reported as failed).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AgentSessionInfo, WorkspaceInfo } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, createBareOrigin } from '@flotilla/testkit/daemon';

const NODE_ID = 'nod_lifecycle';
let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

async function start(dataDir?: string, env: Record<string, string> = {}): Promise<void> {
  daemon = await startDaemonProcess({
    nodeId: NODE_ID,
    controlPlaneUrl: cp.url,
    callbackToken: await cp.callbackToken(NODE_ID),
    ...(dataDir ? { dataDir } : {}),
    env: { CALLBACK_RETRY_MAX_ELAPSED_MS: '5000', AGENT_KILL_TIMEOUT_MS: '2000', ...env },
  });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
}

beforeAll(async () => {
  cp = await startFakeControlPlane();
  await start();
});

afterAll(async () => {
  await daemon?.stop();
  await cp?.close();
});

/** A running workspace, ready for agent sessions. */
async function readyWorkspace(): Promise<{ workspaceId: string; taskId: string }> {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const taskId = `tsk_${randomUUID().slice(0, 8)}`;
  await api.request('POST', '/workspaces', {
    workspaceId,
    repoUrl: createBareOrigin(),
    baseBranch: 'main',
    branch: `task/${taskId}`,
    projectId: null,
    chatSessionId: 'ses_1',
    taskId,
    callbackToken: await cp.callbackToken(NODE_ID, workspaceId),
  });
  await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
  return { workspaceId, taskId };
}

/** A workspace whose agent is busy in a long `sleep:` turn, after writing a file. */
async function busyAgent(): Promise<{ workspaceId: string; taskId: string; agentSessionId: string; path: string }> {
  const { workspaceId, taskId } = await readyWorkspace();
  const agentSessionId = 'as_1';
  await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId, chatSessionId: null });
  const started = await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}/start`, {
    agentType: 'claude-code',
    initialPrompt: 'write busy.txt: x\nsleep: 60000',
    taskId,
    taskTitle: null,
  });
  expect(started.status).toBe(202);
  await cp.waitFor(
    () => cp.messages.find((m) => m.id === workspaceId && m.body.toolMetadata?.status === 'completed'),
    30_000,
    'the agent to write its file',
  );
  const session = await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`);
  expect(session.body.status).toBe('running');
  const info = await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`);
  return { workspaceId, taskId, agentSessionId, path: info.body.path };
}

describe('daemon lifecycle', () => {
  it('an agent that cannot be started fails the task readably', async () => {
    // A daemon of its own, whose claude-code is pointed at a command that does not exist.
    expect(await daemon.stop()).toBe(0);
    await start(undefined, { FLOTILLA_AGENT_COMMAND_CLAUDE_CODE: '["/nonexistent/claude-agent"]' });
    const { workspaceId, taskId } = await readyWorkspace();
    await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId: 'as_1', chatSessionId: null });
    await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/as_1/start`, {
      agentType: 'claude-code',
      initialPrompt: 'do something',
      taskId,
      taskTitle: null,
    });
    const callback = await cp.waitFor(() => cp.taskCallbacks.find((c) => c.id === taskId), 15_000, 'failed callback');
    expect(callback.body).toEqual({
      status: 'failed',
      error: expect.stringContaining('cannot start agent command "/nonexistent/claude-agent"'),
    });
    const session = await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/as_1`);
    expect(session.body).toMatchObject({ status: 'failed', agentType: 'claude-code' });
    // Back to a daemon whose claude-code is the scripted agent, for the tests below.
    expect(await daemon.stop()).toBe(0);
    await start();
  });

  it('deleting a workspace mid-turn stops the agent and reports no task outcome', async () => {
    const { workspaceId, taskId, path } = await busyAgent();
    const deleted = await api.request('DELETE', `/workspaces/${workspaceId}`);
    expect(deleted).toEqual({ status: 200, body: { workspaceId, status: 'destroyed' } });
    expect(existsSync(path)).toBe(false);
    expect((await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`)).body.status).toBe('destroyed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cp.taskCallbacks.find((c) => c.id === taskId)).toBeUndefined();
    // deleting again is idempotent
    expect((await api.request('DELETE', `/workspaces/${workspaceId}`)).status).toBe(200);
  });

  it('a restarted daemon knows its workspaces and fails the turn it lost', async () => {
    const { workspaceId, taskId, agentSessionId } = await busyAgent();
    const dataDir = daemon.dataDir;
    expect(await daemon.stop()).toBe(0);
    expect(cp.taskCallbacks.find((c) => c.id === taskId)).toBeUndefined();

    const readyBefore = cp.nodeReady.length;
    await start(dataDir);
    await cp.waitFor(() => cp.nodeReady[readyBefore], 10_000, 'node ready after restart');
    const listed = await api.request<WorkspaceInfo[]>('GET', '/workspaces');
    expect(listed.body).toContainEqual(expect.objectContaining({ workspaceId, status: 'running' }));
    const callback = await cp.waitFor(() => cp.taskCallbacks.find((c) => c.id === taskId), 15_000, 'failed callback');
    expect(callback.body).toMatchObject({ status: 'failed', error: expect.stringContaining('restarted') });
    const session = await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`);
    expect(session.body).toMatchObject({ status: 'failed', error: expect.stringContaining('restarted') });
  });
});
