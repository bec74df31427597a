/**
 * Warm agents (issue 15) on the node daemon as a real process: real git, the scripted ACP agent as
 * `claude-code`, the fake control plane. A warm agent is an agent spawned in an empty workspace
 * shell ahead of any task; the create-workspace request naming its workspace and agent session
 * takes it. Asserted on the agent's own prompt log (which process got the prompt, when it
 * started, where its session was opened) and on what the daemon reports.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeWarmAgentInfo, PrepareWarmAgentRequest } from '@flotilla/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonApi, type DaemonApi, startDaemonProcess, type DaemonProcess, startFakeControlPlane, type FakeControlPlane, createBareOrigin, showFile } from '@flotilla/testkit/daemon';
import { promptLogEnv, readPromptLog } from '@flotilla/testkit';

const NODE_ID = 'nod_warm1';
const { path: promptLog, env: promptLogNodeEnv } = promptLogEnv();

let cp: FakeControlPlane;
let daemon: DaemonProcess;
let api: DaemonApi;

beforeAll(async () => {
  cp = await startFakeControlPlane();
  daemon = await startDaemonProcess({ nodeId: NODE_ID, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(NODE_ID), env: { ...promptLogNodeEnv, NODE_HEARTBEAT_INTERVAL_MS: '200' } });
  api = daemonApi(daemon.url, await cp.managementToken(NODE_ID));
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  await cp?.close();
});

const newSpec = (): PrepareWarmAgentRequest => ({ workspaceId: `ws_${randomUUID().slice(0, 8)}`, agentSessionId: `as_${randomUUID().slice(0, 8)}`, agentType: 'claude-code' });

/** Wait until the daemon reports warm agent `workspaceId` ready (past `initialize`). */
async function untilReady(workspaceId: string): Promise<void> {
  await cp.waitFor(
    async () => {
      const listed = await api.request<NodeWarmAgentInfo[]>('GET', '/warm-agents');
      return listed.body.find((agent) => agent.workspaceId === workspaceId && agent.status === 'ready');
    },
    30_000,
    'warm agent ready',
  );
}

/** Create workspace `spec.workspaceId` for a task, its early agent `early` (default: the warm agent's own); then start the session with `prompt` and wait for the task callback. */
async function runTaskIn(spec: PrepareWarmAgentRequest, prompt: string, early: Record<string, unknown> = {}) {
  const taskId = `tsk_${randomUUID().slice(0, 8)}`;
  const origin = createBareOrigin();
  const agentSessionId = (early.agentSessionId as string | undefined) ?? spec.agentSessionId;
  const requestedAt = Date.now();
  const created = await api.request('POST', '/workspaces', {
    workspaceId: spec.workspaceId,
    repoUrl: origin,
    baseBranch: 'main',
    branch: `task/${taskId}`,
    projectId: 'prj_1',
    chatSessionId: null,
    taskId,
    callbackToken: await cp.callbackToken(NODE_ID, spec.workspaceId),
    earlyAgent: { agentSessionId, agentType: 'claude-code', permissionPolicy: 'allow', openSession: true, ...early },
  });
  expect(created).toEqual({ status: 202, body: { workspaceId: spec.workspaceId, status: 'creating' } });
  const ready = await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === spec.workspaceId), 30_000, 'workspace ready');
  expect(ready.body).toEqual({ status: 'running' });
  const registered = await api.request('POST', `/workspaces/${spec.workspaceId}/agent-sessions`, { agentSessionId, chatSessionId: null });
  expect(registered.status).toBe(409);
  const started = await api.request('POST', `/workspaces/${spec.workspaceId}/agent-sessions/${agentSessionId}/start`, { agentType: 'claude-code', initialPrompt: prompt, taskId, taskTitle: 'Warm' });
  expect(started.status).toBe(202);
  const callback = await cp.waitFor(() => cp.taskCallbacks.find((c) => c.id === taskId), 45_000, 'task callback');
  const path = join(daemon.dataDir, 'workspaces', spec.workspaceId);
  return { taskId, origin, requestedAt, callback, prompts: readPromptLog(promptLog).filter((entry) => entry.cwd === path) };
}

describe('warm agents', () => {
  it('a warm agent waits unseen, then is the agent of the workspace that names it: exact prompt, session opened in the checkout on the task branch', async () => {
    const spec = newSpec();
    const prepared = await api.request<NodeWarmAgentInfo>('POST', '/warm-agents', spec);
    expect(prepared).toEqual({ status: 202, body: { ...spec, status: 'preparing', error: null } });
    await untilReady(spec.workspaceId);
    // Not a workspace: not listed, not served, not in a heartbeat.
    expect((await api.request<Array<{ workspaceId: string }>>('GET', '/workspaces')).body.map((w) => w.workspaceId)).not.toContain(spec.workspaceId);
    expect((await api.request('GET', `/workspaces/${spec.workspaceId}`)).status).toBe(404);
    const heartbeats = cp.heartbeats.length;
    await cp.waitFor(() => cp.heartbeats[heartbeats], 10_000, 'heartbeat');
    expect(cp.heartbeats.at(-1)?.body.workspaceIds).not.toContain(spec.workspaceId);
    // The same id again: 409.
    expect((await api.request('POST', '/warm-agents', spec)).status).toBe(409);

    const prompt = 'write WARM.md: taken';
    const { taskId, origin, requestedAt, callback, prompts } = await runTaskIn(spec, prompt);
    expect(callback.body).toMatchObject({ status: 'completed', filesChanged: ['WARM.md'] });
    expect(showFile(origin, `task/${taskId}`, 'WARM.md')).toBe('taken');
    expect(prompts.map((entry) => entry.text)).toEqual([prompt]);
    expect(Date.parse(prompts[0]?.agentStartedAt ?? '')).toBeLessThan(requestedAt);
    expect(prompts[0]?.headAtSessionNew).toBe(`ref: refs/heads/task/${taskId}`);
    expect((await api.request<NodeWarmAgentInfo[]>('GET', '/warm-agents')).body.map((agent) => agent.workspaceId)).not.toContain(spec.workspaceId);
  });

  it('a workspace asking for another agent (other credentials) gets its own: the warm agent is stopped, the shell is the workspace', async () => {
    const spec = { ...newSpec(), agentCredentials: { ANTHROPIC_API_KEY: 'sk-warm-test' } };
    await api.request('POST', '/warm-agents', spec);
    await untilReady(spec.workspaceId);
    const prompt = 'write OWN.md: own agent';
    const { callback, requestedAt, prompts } = await runTaskIn(spec, prompt);
    expect(callback.body).toMatchObject({ status: 'completed', filesChanged: ['OWN.md'] });
    expect(prompts.map((entry) => entry.text)).toEqual([prompt]);
    expect(Date.parse(prompts[0]?.agentStartedAt ?? '')).toBeGreaterThanOrEqual(requestedAt - 5);
  });

  it('FLOTILLA_WARM_AGENT: prepared as the daemon announces itself; a restart removes the shell and prepares it again, until a workspace took it', async () => {
    const spec = newSpec();
    const node = 'nod_warm2';
    const token = await cp.managementToken(node);
    let second: DaemonProcess | undefined;
    let secondApi: DaemonApi | undefined;
    const start = async (dataDir?: string) => {
      second = await startDaemonProcess({ nodeId: node, controlPlaneUrl: cp.url, callbackToken: await cp.callbackToken(node), env: { ...promptLogNodeEnv, FLOTILLA_WARM_AGENT: JSON.stringify(spec) }, ...(dataDir ? { dataDir } : {}) });
      secondApi = daemonApi(second.url, token);
      return second;
    };
    await start();
    const listed = async () => (await secondApi!.request<NodeWarmAgentInfo[]>('GET', '/warm-agents')).body.map((agent) => agent.workspaceId);
    try {
      expect(await listed()).toEqual([spec.workspaceId]);
      const { dataDir } = second!;
      expect(await second!.stop()).toBe(0);
      await start(dataDir);
      expect(await listed()).toEqual([spec.workspaceId]);
      // Prepared again in a shell made anew (the old one's removal is over before): it gets past initialize.
      await cp.waitFor(
        async () => (await secondApi!.request<NodeWarmAgentInfo[]>('GET', '/warm-agents')).body.find((agent) => agent.status === 'ready'),
        30_000,
        'warm agent ready after the restart',
      );
      // Taken by a workspace: a restart finds the workspace and prepares nothing.
      const taskId = `tsk_${randomUUID().slice(0, 8)}`;
      await secondApi!.request('POST', '/workspaces', {
        workspaceId: spec.workspaceId,
        repoUrl: createBareOrigin(),
        baseBranch: 'main',
        branch: `task/${taskId}`,
        projectId: 'prj_1',
        chatSessionId: null,
        taskId,
        callbackToken: await cp.callbackToken(node, spec.workspaceId),
        earlyAgent: { agentSessionId: spec.agentSessionId, agentType: 'claude-code', permissionPolicy: 'allow', openSession: true },
      });
      await cp.waitFor(() => cp.workspaceReady.find((r) => r.id === spec.workspaceId), 30_000, 'workspace ready');
      expect(await listed()).toEqual([]);
      expect(await second!.stop()).toBe(0);
      await start(dataDir);
      expect(await listed()).toEqual([]);
      expect((await secondApi!.request('GET', `/workspaces/${spec.workspaceId}`)).status).toBe(200);
      expect(existsSync(join(dataDir, 'workspaces', spec.workspaceId))).toBe(true);
      expect(readdirSync(join(dataDir, 'workspaces'))).toEqual([spec.workspaceId]);
    } finally {
      await second?.stop();
    }
  });
});
