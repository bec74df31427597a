/**
 * TaskRunner, the main path (DESIGN.md §2) hop by hop against the stand-in local cloud and node
 * daemon: every call the control plane makes is checked, every callback goes through HTTP.
 */
import type { ChatSession } from '@flotilla/contracts';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, eventually, expectJson, getTask, jwtClaims, listMessages, message, standIn } from '../../../test/helpers.js';
import {
  agentSessionCalls,
  completed,
  daemonCalls,
  driveToRunning,
  provisioned,
  reportNodeReady,
  reportWorkspaceReady,
  runState,
  startRun,
  taskCallback,
  waitForStatus,
  waitForStep,
  workspaceRequested,
} from '../../../test/task-run.js';

const DESCRIPTION = 'Add a `--dry-run` flag to `deploy`.\n\nIt must print the plan and change nothing. Ünïcödé stays as is: ✓';

describe('a task run, hop by hop', () => {
  it('goes from node selection to a completed task, handing the exact description to the agent', async () => {
    const run = await startRun(DESCRIPTION);
    expect(run.task.status).toBe('queued');

    // node_provisioning: the local cloud is asked for the node, with a callback token for it.
    const create = await provisioned(run);
    // It starts the task's agent as it announces itself (a warm agent, issue 15), under ids the run takes.
    expect(create.body).toEqual({
      nodeId: run.nodeId,
      controlPlaneUrl: 'http://control-plane.test',
      callbackToken: expect.any(String),
      warmAgent: { workspaceId: expect.any(String), agentSessionId: expect.any(String), agentType: 'claude-code' },
    });
    const { warmAgent } = create.body as { warmAgent: { workspaceId: string; agentSessionId: string } };
    expect(jwtClaims(`Bearer ${run.nodeToken}`)).toMatchObject({ aud: 'workspace-callback', sub: run.nodeId });
    expect(jwtClaims(`Bearer ${run.nodeToken}`).workspaceId).toBeUndefined();
    expect((await getTask(run.task.id)).executionStep).toBe('node_agent_ready');

    // node_agent_ready -> workspace_creation: the daemon is asked for the workspace.
    await reportNodeReady(run);
    const workspace = await workspaceRequested(run);
    expect(workspace.body).toMatchObject({
      workspaceId: run.workspaceId,
      branch: `task/${run.task.id}`,
      baseBranch: 'main',
      repoUrl: run.project.repoUrl,
      projectId: run.project.id,
      chatSessionId: run.task.chatSessionId,
      taskId: run.task.id,
      earlyAgent: { agentSessionId: warmAgent.agentSessionId, agentType: 'claude-code', permissionPolicy: 'allow', openSession: true },
    });
    expect(run.workspaceId).toBe(warmAgent.workspaceId);
    expect(jwtClaims(workspace.authorization)).toMatchObject({ aud: 'node-management', sub: run.nodeId });
    expect(jwtClaims(`Bearer ${run.workspaceToken}`)).toMatchObject({ aud: 'workspace-callback', sub: run.nodeId, workspaceId: run.workspaceId });
    expect(await getTask(run.task.id)).toMatchObject({ status: 'delegated', workspaceId: run.workspaceId, executionStep: 'workspace_ready' });
    const session = await expectJson<ChatSession>(await api(`/api/projects/${run.project.id}/sessions/${run.task.chatSessionId}`), 200);
    expect(session.workspaceId).toBe(run.workspaceId);

    // workspace_ready -> agent_session: register, then START with the task description.
    await reportWorkspaceReady(run);
    const { register, start } = await agentSessionCalls(run);
    expect(register.body).toEqual({ agentSessionId: run.agentSessionId, chatSessionId: run.task.chatSessionId });
    expect(start.path).toBe(`${run.daemon}/workspaces/${run.workspaceId}/agent-sessions/${run.agentSessionId}/start`);
    expect(start.seq).toBeGreaterThan(register.seq);
    expect((start.body as { initialPrompt: string }).initialPrompt).toBe(DESCRIPTION);
    const [firstMessage] = await listMessages(run.project.id, run.task.chatSessionId!, 0, 1);
    expect(start.body).toMatchObject({
      agentType: 'claude-code',
      taskId: run.task.id,
      taskTitle: run.task.title,
      initialPromptMessageId: firstMessage!.messageId,
      permissionPolicy: 'allow',
    });
    expect(firstMessage).toMatchObject({ role: 'user', content: DESCRIPTION });
    for (const call of [register, start]) expect(jwtClaims(call.authorization)).toMatchObject({ aud: 'node-management', sub: run.nodeId });

    await waitForStep(run, 'running');
    expect(await waitForStatus(run, 'in_progress')).toMatchObject({ executionStep: 'running' });

    // The agent's messages arrive through the workspace's callback token.
    const reply = message(run.task.chatSessionId!, { content: 'Added the flag.' });
    expect(await expectJson(await api(`/api/workspaces/${run.workspaceId}/messages`, { method: 'POST', body: { messages: [reply] }, token: run.workspaceToken }), 200)).toEqual({
      persisted: 1,
      duplicates: 0,
    });

    // The task callback completes the task; the workspace and then the node are destroyed.
    expect(await expectJson(await taskCallback(run, completed(run)), 200)).toEqual({ ok: true, duplicate: false });
    const done = await waitForStatus(run, 'completed');
    expect(done.output).toEqual({
      branch: `task/${run.task.id}`,
      commitSha: completed(run).commitSha,
      prUrl: null,
      summary: 'Did the thing.',
      filesChanged: ['src/thing.ts'],
      warning: null,
      diffStat: completed(run).diffStat,
    });
    expect(done.error).toBeNull();
    expect(done.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'ready'],
      ['ready', 'queued'],
      ['queued', 'delegated'],
      ['delegated', 'in_progress'],
      ['in_progress', 'completed'],
    ]);
    await eventually(async () => {
      expect(await daemonCalls(run, 'DELETE', `/workspaces/${run.workspaceId}`)).toHaveLength(1);
      expect(await standIn.requests({ method: 'DELETE', path: `/cloud/nodes/${run.nodeId}` })).toHaveLength(1);
      expect(await runState(run)).toMatchObject({ finished: true, pendingCleanup: null });
    });
    const rows = await env.DB.prepare('SELECT (SELECT status FROM workspaces WHERE id = ?) AS ws, (SELECT status FROM nodes WHERE id = ?) AS node')
      .bind(run.workspaceId, run.nodeId)
      .first();
    expect(rows).toEqual({ ws: 'destroyed', node: 'destroyed' });
    const stopped = await expectJson<ChatSession>(await api(`/api/projects/${run.project.id}/sessions/${run.task.chatSessionId}`), 200);
    expect(stopped).toMatchObject({ status: 'stopped', messageCount: 2 });
  });
});

describe('task callbacks', () => {
  it('accepts a repeated callback as a duplicate and changes nothing', async () => {
    const run = await driveToRunning();
    await expectJson(await taskCallback(run, completed(run)), 200);
    const first = await waitForStatus(run, 'completed');
    await eventually(async () => expect(await runState(run)).toMatchObject({ pendingCleanup: null }));
    const deletes = await standIn.requests({ method: 'DELETE' });

    const again = await taskCallback(run, { ...completed(run), commitSha: 'ffffffffffffffffffffffffffffffffffffffff', summary: 'other' });
    expect(await expectJson(again, 200)).toEqual({ ok: true, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await getTask(run.task.id)).toEqual(first);
    expect(await standIn.requests({ method: 'DELETE' })).toEqual(deletes);
  });

  it('refuses a callback that would move a finished task elsewhere with 409', async () => {
    const run = await driveToRunning();
    await expectJson(await taskCallback(run, completed(run)), 200);
    const done = await waitForStatus(run, 'completed');

    const error = await expectJson<{ error: { code: string; message: string } }>(await taskCallback(run, { status: 'failed', error: 'late failure' }), 409);
    expect(error.error.code).toBe('conflict');
    expect(await getTask(run.task.id)).toEqual(done);
  });

  it('fails the task on a failed callback and keeps its workspace for inspection', async () => {
    const run = await driveToRunning();
    expect(await expectJson(await taskCallback(run, { status: 'failed', error: 'agent crashed: exit 1' }), 200)).toEqual({ ok: true, duplicate: false });
    const failed = await waitForStatus(run, 'failed');
    expect(failed.error).toBe('agent crashed: exit 1');
    await eventually(async () => expect(await runState(run)).toMatchObject({ finished: true, pendingCleanup: null }));
    expect(await daemonCalls(run, 'DELETE', `/workspaces/${run.workspaceId}`)).toEqual([]);
    const ws = await env.DB.prepare('SELECT status FROM workspaces WHERE id = ?').bind(run.workspaceId).first();
    expect(ws).toEqual({ status: 'running' });
    await expectJson(await taskCallback(run, { status: 'failed', error: 'agent crashed: exit 1' }), 200);
    await expectJson(await taskCallback(run, completed(run)), 409);
  });

  it('refuses a callback with a bad body with 400 and leaves the task running', async () => {
    const run = await driveToRunning();
    await expectJson(await taskCallback(run, { status: 'done' }), 400);
    await expectJson(await taskCallback(run, { status: 'completed', branch: 'x' }), 400);
    expect((await getTask(run.task.id)).status).toBe('in_progress');
  });
});
