/**
 * The node daemon as a real process: real git (a bare origin with `main`), the real scripted ACP
 * agent (testkit's, started as the daemon's `claude-code` through its agent-command override),
 * and the fake control plane (testkit) that signs tokens and records every callback and message.
 *
 * The first test is the main path of DESIGN.md §2 hops 2-5 as far as the daemon owns them: it
 * asserts that the initial prompt really reached the agent (the agent's own log), not just that
 * the endpoints answered.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentSessionInfo, WorkspaceInfo } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, createBareOrigin, git, showFile } from '@flotilla/testkit/daemon';
import { promptLogEnv } from '@flotilla/testkit';

const NODE_ID = 'nod_test1';
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

interface PromptLogEntry {
  sessionId: string;
  cwd: string;
  text: string;
}

function promptsReceived(): PromptLogEntry[] {
  if (!existsSync(promptLog)) return [];
  return readFileSync(promptLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PromptLogEntry);
}

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({
    nodeId: NODE_ID,
    controlPlaneUrl: cp.url,
    callbackToken: await cp.callbackToken(NODE_ID),
    env: {
      ...promptLogNodeEnv,
      NODE_HEARTBEAT_INTERVAL_MS: '200',
      CALLBACK_RETRY_MAX_ELAPSED_MS: '5000',
    },
  });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

/** Create a workspace on `origin` and wait for its ready callback. */
async function createWorkspace(origin: string, options: { baseBranch?: string; taskId?: string } = {}) {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const taskId = options.taskId ?? `tsk_${randomUUID().slice(0, 8)}`;
  const created = await api.request('POST', '/workspaces', {
    workspaceId,
    repoUrl: origin,
    baseBranch: options.baseBranch ?? 'main',
    branch: `task/${taskId}`,
    projectId: 'prj_1',
    chatSessionId: `ses_${workspaceId}`,
    taskId,
    callbackToken: await cp.callbackToken(NODE_ID, workspaceId),
  });
  expect(created).toEqual({ status: 202, body: { workspaceId, status: 'creating' } });
  const ready = await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === workspaceId), 30_000, 'workspace ready');
  return { workspaceId, taskId, ready };
}

/** Register and start an agent session with `prompt`; wait for the task callback. */
async function runTask(workspaceId: string, taskId: string, prompt: string, initialPromptMessageId?: string) {
  const agentSessionId = `as_${randomUUID().slice(0, 8)}`;
  const registered = await api.request<AgentSessionInfo>('POST', `/workspaces/${workspaceId}/agent-sessions`, {
    agentSessionId,
    chatSessionId: null,
  });
  expect(registered.status).toBe(201);
  expect(registered.body.status).toBe('registered');
  const started = await api.request<AgentSessionInfo>(
    'POST',
    `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}/start`,
    { agentType: 'claude-code', initialPrompt: prompt, initialPromptMessageId, taskId, taskTitle: 'Test task' },
  );
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ agentSessionId, workspaceId, status: 'starting', agentType: 'claude-code' });
  const callback = await cp.waitFor(() => cp.taskCallbacks.find((c) => c.id === taskId), 45_000, 'task callback');
  return { agentSessionId, callback };
}

describe('node daemon process', () => {
  it('announces itself and heartbeats', async () => {
    const ready = await cp.waitFor(() => cp.nodeReady[0], 10_000, 'node ready');
    expect(ready).toMatchObject({ id: NODE_ID, body: { url: daemon.url, daemonVersion: '0.1.0' }, claims: { sub: NODE_ID } });
    await cp.waitFor(() => cp.heartbeats[0], 10_000, 'heartbeat');
    expect((await api.request('GET', '/health', undefined, null)).body).toEqual({
      status: 'ok',
      nodeId: NODE_ID,
      version: '0.1.0',
    });
  });

  it('runs a task: the prompt reaches the agent, the branch is pushed, the chat is complete before the callback', async () => {
    const origin = createBareOrigin();
    const { workspaceId, taskId, ready } = await createWorkspace(origin);
    expect(ready.body).toEqual({ status: 'running' });
    expect(ready.claims).toMatchObject({ sub: NODE_ID, workspaceId });
    const info = await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`);
    expect(info.body).toMatchObject({ workspaceId, status: 'running', branch: `task/${taskId}`, error: null });
    const workspacePath = info.body.path;

    const prompt = 'say: starting\nwrite hello.txt: hi';
    const promptMessageId = randomUUID();
    const before = promptsReceived().length;
    const { agentSessionId, callback } = await runTask(workspaceId, taskId, prompt, promptMessageId);

    // The agent itself logged exactly the prompt, in the workspace.
    const prompts = promptsReceived().slice(before);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatchObject({ text: prompt, cwd: workspacePath });

    // Completed, with the commit the origin now holds on the task branch.
    const branch = `task/${taskId}`;
    expect(callback.body).toMatchObject({ status: 'completed', branch, filesChanged: ['hello.txt'] });
    expect(callback.body).toMatchObject({ diffStat: { baseBranch: 'main', fileCount: 1, files: [{ path: 'hello.txt', status: 'added' }] } });
    expect(callback.claims).toMatchObject({ workspaceId });
    const body = callback.body as { commitSha: string; summary: string | null };
    expect(body.commitSha).toBe(git(origin, 'rev-parse', branch));
    expect(body.summary).toContain('starting');
    expect(showFile(origin, branch, 'hello.txt')).toBe('hi');
    expect(git(origin, 'log', '-1', '--format=%s', branch)).toBe(`Flotilla task ${taskId}: Test task`);

    // The chat: the agent's messages in order — all delivered before the task callback. The
    // prompt came with the id under which the control plane stored it: it is not sent again.
    const messages = cp.messages.filter((m) => m.id === workspaceId);
    expect(messages.map((m) => m.body.messageId)).not.toContain(promptMessageId);
    expect(messages.map((m) => m.body.role)).toEqual(['assistant', 'tool', 'tool']);
    expect(messages[0]?.body.content).toBe('starting');
    expect(messages[1]?.body.toolMetadata).toMatchObject({ kind: 'edit', status: 'pending' });
    expect(messages[2]?.body.toolMetadata).toMatchObject({
      kind: 'edit',
      status: 'completed',
      target: join(workspacePath, 'hello.txt'),
      diff: { newText: 'hi' },
    });
    expect(messages.every((m) => m.body.sessionId === `ses_${workspaceId}`)).toBe(true);
    expect(Math.max(...messages.map((m) => m.seq))).toBeLessThan(callback.seq);

    // The agent stays alive, idle, until the workspace is deleted.
    const session = await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`);
    expect(session.body.status).toBe('idle');
    const again = await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}/start`, {
      agentType: 'claude-code',
      initialPrompt: 'say: twice',
      taskId,
      taskTitle: null,
    });
    expect(again.status).toBe(409);

    const deleted = await api.request('DELETE', `/workspaces/${workspaceId}`);
    expect(deleted).toEqual({ status: 200, body: { workspaceId, status: 'destroyed' } });
    expect(existsSync(workspacePath)).toBe(false);
    expect((await api.request('GET', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`)).status).toBe(404);
    const listed = await api.request<WorkspaceInfo[]>('GET', '/workspaces');
    expect(listed.body.map((w) => w.workspaceId)).not.toContain(workspaceId);
  });

  it('an agent that exits non-zero fails the task with its exit code; the workspace stays', async () => {
    const { workspaceId, taskId } = await createWorkspace(createBareOrigin());
    const { agentSessionId, callback } = await runTask(workspaceId, taskId, 'say: about to crash\nexit: 3');
    expect(callback.body.status).toBe('failed');
    expect((callback.body as { error: string }).error).toMatch(/agent exited with code 3/);
    const info = await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`);
    expect(info.body.status).toBe('running');
    expect(existsSync(info.body.path)).toBe(true);
    const session = await api.request<AgentSessionInfo>('GET', `/workspaces/${workspaceId}/agent-sessions/${agentSessionId}`);
    expect(session.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/code 3/) });
    // what the agent said before crashing reached the chat
    const roles = cp.messages.filter((m) => m.id === workspaceId).map((m) => [m.body.role, m.body.content]);
    expect(roles).toContainEqual(['assistant', 'about to crash']);
  });

  it('an agent JSON-RPC error fails the task with its message', async () => {
    const { workspaceId, taskId } = await createWorkspace(createBareOrigin());
    const { callback } = await runTask(workspaceId, taskId, 'fail: model unavailable');
    expect(callback.body).toMatchObject({ status: 'failed', error: expect.stringContaining('model unavailable') });
  });

  it('refuses writes outside the workspace; nothing is written there', async () => {
    const { workspaceId, taskId } = await createWorkspace(createBareOrigin());
    const info = await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`);
    const outside = join(dirname(info.body.path), 'outside.txt');
    const { callback } = await runTask(workspaceId, taskId, 'write ../outside.txt: x\nsay: done');
    expect(existsSync(outside)).toBe(false);
    // the tool call failed, the turn went on, nothing changed in the repository
    expect(callback.body).toMatchObject({ status: 'completed', branch: null, commitSha: null, filesChanged: [] });
    const tool = cp.messages.find((m) => m.id === workspaceId && m.body.toolMetadata?.status === 'failed');
    expect(tool).toBeDefined();
  });

  it('reports a missing base branch in the workspace-ready callback, and refuses to start agents there', async () => {
    const { workspaceId, taskId, ready } = await createWorkspace(createBareOrigin(), { baseBranch: 'develop' });
    expect(ready.body).toEqual({ status: 'error', error: expect.stringContaining('base branch "develop" does not exist') });
    const info = await api.request<WorkspaceInfo>('GET', `/workspaces/${workspaceId}`);
    expect(info.body).toMatchObject({ status: 'error', error: expect.stringContaining('develop') });
    await api.request('POST', `/workspaces/${workspaceId}/agent-sessions`, { agentSessionId: 'as_x', chatSessionId: null });
    const start = await api.request('POST', `/workspaces/${workspaceId}/agent-sessions/as_x/start`, {
      agentType: 'claude-code',
      initialPrompt: 'say: hi',
      taskId,
      taskTitle: null,
    });
    expect(start.status).toBe(409);
  });
});
