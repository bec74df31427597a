/**
 * Cancel, retry and follow-up prompts (issue 4) against the stand-in node daemon: what the
 * control plane records, what it asks the daemon, and the 4xx answers of the status machine.
 */
import type { FollowUpPromptResponse } from '@flotilla/contracts';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../index.js';
import { transitionTask } from '../status.js';
import { describe, expect, it } from 'vitest';
import { allMessages, api, createProject, createTask, deps, eventually, expectJson, getTask, standIn, taskRunner } from '../../../test/helpers.js';
import { completed, daemonCalls, driveToRunning, runState, taskCallback, waitForStatus } from '../../../test/task-run.js';

const taskPath = (projectId: string, taskId: string, action: string) => `/api/projects/${projectId}/tasks/${taskId}/${action}`;

describe('cancel', () => {
  it('cancels a running task at once, asks the daemon to stop the agent, keeps the workspace, and refuses a late callback', async () => {
    const run = await driveToRunning();
    const cancelled = await expectJson<{ status: string }>(await api(taskPath(run.project.id, run.task.id, 'cancel'), { method: 'POST' }), 200);
    expect(cancelled.status).toBe('cancelled');
    const stop = await eventually(async () => {
      const [call] = await daemonCalls(run, 'POST', `/workspaces/${run.workspaceId}/agent-sessions/${run.agentSessionId}/cancel`);
      expect(call).toBeDefined();
      return call!;
    });
    expect(stop.authorization).toMatch(/^Bearer /);
    await eventually(async () => expect((await runState(run)).pendingCleanup).toBeNull());
    expect(await daemonCalls(run, 'DELETE', `/workspaces/${run.workspaceId}`)).toHaveLength(0);

    const task = await getTask(run.task.id);
    expect(task.events.at(-1)).toMatchObject({ fromStatus: 'in_progress', toStatus: 'cancelled', actor: 'user', step: 'running' });
    const messages = await allMessages(run.project.id, task.chatSessionId ?? '');
    expect(messages.at(-1)).toMatchObject({ role: 'system', content: 'Task cancelled. The agent is being stopped; its workspace is kept.' });

    const again = await expectJson<{ error: { message: string } }>(await api(taskPath(run.project.id, run.task.id, 'cancel'), { method: 'POST' }), 409);
    expect(again.error.message).toMatch(/from cancelled to cancelled/);
    await expectJson(await taskCallback(run, completed(run)), 409);
    expect((await getTask(run.task.id)).status).toBe('cancelled');
  });

  it('cancels a draft without any run; a completed task cannot be cancelled', async () => {
    const project = await createProject('cancel-draft');
    const draft = await createTask(project.id, { description: 'later' });
    const answer = await expectJson<{ status: string }>(await api(taskPath(project.id, draft.id, 'cancel'), { method: 'POST' }), 200);
    expect(answer.status).toBe('cancelled');
    expect((await getTask(draft.id)).events.map((e) => e.toStatus)).toEqual(['draft', 'cancelled']);

    const run = await driveToRunning();
    await expectJson(await taskCallback(run, completed(run)), 200);
    const refused = await expectJson<{ error: { message: string } }>(await api(taskPath(run.project.id, run.task.id, 'cancel'), { method: 'POST' }), 409);
    expect(refused.error.message).toMatch(/from completed to cancelled/);
  });

  it('answers 404 for a task of another project', async () => {
    const run = await driveToRunning();
    const other = await createProject('other');
    await expectJson(await api(taskPath(other.id, run.task.id, 'cancel'), { method: 'POST' }), 404);
  });
});

describe('retry', () => {
  it('starts a fresh run of a failed task: new workspace, same chat session, a system message, error cleared', async () => {
    const run = await driveToRunning();
    await expectJson(await taskCallback(run, { status: 'failed', error: 'agent exited with code 3' }), 200);
    await waitForStatus(run, 'failed');
    const first = { workspaceId: run.workspaceId };

    const retried = await expectJson<{ status: string; error: string | null; workspaceId: string | null }>(await api(taskPath(run.project.id, run.task.id, 'retry'), { method: 'POST' }), 202);
    expect(retried).toMatchObject({ status: 'queued', error: null, workspaceId: null });
    // A new run: past node selection again, with no workspace yet (a fresh one comes later).
    const state = await eventually(async () => {
      const s = await runState(run);
      expect(s.runNumber).toBe(2);
      expect(s.step).not.toBe('node_selection');
      return s;
    });
    expect(state).toMatchObject({ finished: false, workspaceId: null, agentSessionId: null });
    expect(first.workspaceId).not.toBe('');

    const task = await getTask(run.task.id);
    expect(task.events.slice(-2)).toMatchObject([
      { fromStatus: 'failed', toStatus: 'ready', actor: 'user', reason: expect.stringContaining('agent exited with code 3') },
      { fromStatus: 'ready', toStatus: 'queued' },
    ]);
    const messages = await allMessages(run.project.id, task.chatSessionId ?? '');
    expect(messages.at(-1)).toMatchObject({ role: 'system', content: expect.stringMatching(/^Retrying in a fresh workspace: the previous run failed: agent exited with code 3/) });
  });

  it('refuses to retry a task that is not failed or cancelled', async () => {
    const project = await createProject('retry-refused');
    const draft = await createTask(project.id, { description: 'later' });
    const body = await expectJson<{ error: { message: string } }>(await api(taskPath(project.id, draft.id, 'retry'), { method: 'POST' }), 409);
    expect(body.error.message).toMatch(/is draft; only failed or cancelled tasks can be retried/);
  });
});

describe('leaving failed or cancelled', () => {
  it('only retry does it: ready on a cancelled or failed task is 409, and the task keeps its status, step, workspace and node', async () => {
    const cancelledRun = await driveToRunning();
    await expectJson(await api(taskPath(cancelledRun.project.id, cancelledRun.task.id, 'cancel'), { method: 'POST' }), 200);
    const failedRun = await driveToRunning();
    await expectJson(await taskCallback(failedRun, { status: 'failed', error: 'agent exited with code 3' }), 200);
    await waitForStatus(failedRun, 'failed');

    for (const [run, status] of [[cancelledRun, 'cancelled'], [failedRun, 'failed']] as const) {
      const before = await getTask(run.task.id);
      expect(before).toMatchObject({ status, executionStep: 'running', workspaceId: run.workspaceId, nodeId: run.nodeId });
      const refused = await expectJson<{ error: { code: string; message: string } }>(await api(taskPath(run.project.id, run.task.id, 'ready'), { method: 'POST' }), 409);
      expect(refused.error).toMatchObject({ code: 'conflict', message: expect.stringContaining(`from ${status} to ready`) });
      expect(await getTask(run.task.id)).toEqual(before);
    }
    // Retry still may.
    await expectJson(await api(taskPath(cancelledRun.project.id, cancelledRun.task.id, 'retry'), { method: 'POST' }), 202);
  });
});

describe('follow-up prompts', () => {
  const promptPath = (projectId: string, sessionId: string) => `/api/projects/${projectId}/sessions/${sessionId}/prompt`;

  it('stores the prompt in the chat and delivers it to the running agent with its messageId', async () => {
    const run = await driveToRunning();
    const path = `^${run.daemon}/workspaces/${run.workspaceId}/agent-sessions/${run.agentSessionId}/prompt$`;
    await standIn.rule({ method: 'POST', path, responses: [{ status: 202, body: { agentSessionId: run.agentSessionId, delivery: 'queued' } }] });
    const sessionId = run.task.chatSessionId ?? '';
    const answer = await expectJson<FollowUpPromptResponse>(await api(promptPath(run.project.id, sessionId), { method: 'POST', body: { text: 'Also update the README.' } }), 202);
    expect(answer).toMatchObject({ sessionId, delivery: 'queued' });
    const [call] = await daemonCalls(run, 'POST', `/workspaces/${run.workspaceId}/agent-sessions/${run.agentSessionId}/prompt`);
    expect(call?.body).toEqual({ text: 'Also update the README.', messageId: answer.messageId });
    const messages = await allMessages(run.project.id, sessionId);
    expect(messages.at(-1)).toMatchObject({ role: 'user', content: 'Also update the README.', messageId: answer.messageId });
  });

  it('keeps a prompt the daemon did not take pending and delivers it again with the same messageId', async () => {
    const run = await driveToRunning();
    const path = `^${run.daemon}/workspaces/${run.workspaceId}/agent-sessions/${run.agentSessionId}/prompt$`;
    await standIn.rule({ method: 'POST', path, responses: [{ status: 503, body: 'busy' }, { status: 202, body: { agentSessionId: run.agentSessionId, delivery: 'delivered' } }] });
    const sessionId = run.task.chatSessionId ?? '';
    const answer = await expectJson<FollowUpPromptResponse>(await api(promptPath(run.project.id, sessionId), { method: 'POST', body: { text: 'One more thing.' } }), 202);
    expect(answer.delivery).toBe('pending');
    const calls = await eventually(async () => {
      const all = await daemonCalls(run, 'POST', `/workspaces/${run.workspaceId}/agent-sessions/${run.agentSessionId}/prompt`);
      expect(all).toHaveLength(2);
      return all;
    }, 8_000);
    expect(calls.map((c) => (c.body as { messageId: string }).messageId)).toEqual([answer.messageId, answer.messageId]);
  });

  it('answers 409 when the agent no longer runs (a failed task whose workspace is kept), 404 for an unknown session, 400 for empty text', async () => {
    const run = await driveToRunning();
    const sessionId = run.task.chatSessionId ?? '';
    await expectJson(await api(promptPath(run.project.id, sessionId), { method: 'POST', body: { text: '  ' } }), 400);
    await expectJson(await api(promptPath(run.project.id, 'ses_nope'), { method: 'POST', body: { text: 'hi' } }), 404);
    // A completed task is resumed by a follow-up (tasks/resume.test.ts); a failed one whose workspace is kept is not.
    await expectJson(await taskCallback(run, { status: 'failed', error: 'agent exited with code 3' }), 200);
    const refused = await expectJson<{ error: { message: string } }>(await api(promptPath(run.project.id, sessionId), { method: 'POST', body: { text: 'hi' } }), 409);
    expect(refused.error.message).toMatch(/no longer running: its task is failed/);
  });
});

describe('the cron sweep', () => {
  it('starts the run of a queued task whose run never began (the queuing request died first)', async () => {
    const project = await createProject('sweep-start');
    const draft = await createTask(project.id, { description: 'left queued' });
    await transitionTask(deps(), draft.id, 'ready', { actor: 'test' });
    await transitionTask(deps(), draft.id, 'queued', { actor: 'test', fields: { execution_step: 'node_selection' } });
    expect(await taskRunner(draft.id).getState()).toBeNull();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    await eventually(async () => {
      expect(await taskRunner(draft.id).getState()).toMatchObject({ runNumber: 1, finished: false });
      expect((await getTask(draft.id)).nodeId).not.toBeNull();
    });
  });
});

describe('node lost', () => {
  it('fails a running task whose node sent no heartbeat for longer than NODE_HEARTBEAT_TIMEOUT_MS', async () => {
    const run = await driveToRunning();
    const stale = new Date(Date.now() - 10 * 60_000).toISOString();
    await env.DB.prepare('UPDATE nodes SET last_heartbeat_at = ? WHERE id = ?').bind(stale, run.nodeId).run();
    await taskRunner(run.task.id).wake();
    const task = await waitForStatus(run, 'failed');
    expect(task.error).toMatch(/^step running failed: node lost: node \S+ sent no heartbeat for \d+ ms/);
  });
});
