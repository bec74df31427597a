/**
 * TaskRunner when things go wrong: transient failures retried with backoff, a hanging daemon,
 * step timeouts, permanent refusals, a callback racing the start call, and a lost alarm.
 */
import { createExecutionContext, createScheduledController, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { setWorkspaceStatus } from '../../workspaces/repository.js';
import worker from '../../index.js';
import { createProject, createTask, deps, eventually, expectJson, getTask, nodeLifecycle, standIn, taskRunnerObject } from '../../../test/helpers.js';
import { initialRunState, RUN_STATE_KEY } from '../../runs/run-state.js';
import { runSubjectOf, getTaskRow } from '../repository.js';
import { transitionTask } from '../status.js';
import {
  agentSessionCalls,
  completed,
  daemonCalls,
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

afterEach(() => standIn.clearRules());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const startPath = (daemon: string) => `^${daemon}/workspaces/[^/]+/agent-sessions/[^/]+/start$`;

describe('transient failures', () => {
  it('retries createNode after two 500s and continues; the attempts show in getState()', async () => {
    // Every node created while this rule is active gets 500, 500, then an answer held until released.
    await standIn.rule({ method: 'POST', path: '^/cloud/nodes$', perNode: true, responses: [{ status: 500, body: 'boom' }, { status: 500, body: 'boom' }, { hold: 'create' }] });
    const run = await startRun();
    await eventually(async () => {
      const calls = await standIn.createNodeCalls(run.nodeId);
      expect(calls.map((c) => c.answer)).toEqual(['500', '500', 'held:create']);
    });
    const retrying = await runState(run);
    expect(retrying).toMatchObject({ step: 'node_provisioning', attempt: 2, finished: false });
    expect(retrying.lastError).toContain('500');
    expect((await getTask(run.task.id)).status).toBe('queued');

    expect(await standIn.release('create')).toBeGreaterThanOrEqual(1);
    const state = await waitForStep(run, 'node_agent_ready');
    expect(state).toMatchObject({ attempt: 0, lastError: null });
    expect((await standIn.createNodeCalls(run.nodeId)).map((c) => c.answer)).toEqual(['500', '500', '201']);
    expect((await getTask(run.task.id)).status).toBe('queued');
  });

  it('retries a workspace request that hung past the outbound timeout, with the same workspace id', async () => {
    const run = await startRun();
    await standIn.rule({ method: 'POST', path: `^${run.daemon}/workspaces$`, responses: [{ hang: true }] });
    await provisioned(run);
    await reportNodeReady(run);
    await workspaceRequested(run);
    const calls = await daemonCalls(run, 'POST', '/workspaces');
    expect(calls.map((c) => c.answer)).toEqual(['hang', '202']);
    const ids = calls.map((c) => (c.body as { workspaceId: string }).workspaceId);
    expect(ids[1]).toBe(ids[0]);
    const rows = await env.DB.prepare('SELECT id FROM workspaces WHERE task_id = ?').bind(run.task.id).all();
    expect(rows.results).toEqual([{ id: run.workspaceId }]);
    expect((await getTask(run.task.id)).status).toBe('delegated');
  });

  it('retries a start call answered 500 for the same agent session, and the agent starts once', async () => {
    const run = await startRun();
    await standIn.rule({ method: 'POST', path: startPath(run.daemon), responses: [{ status: 503, body: 'busy' }] });
    await provisioned(run);
    await reportNodeReady(run);
    await workspaceRequested(run);
    await reportWorkspaceReady(run);
    await waitForStep(run, 'running');
    expect((await getTask(run.task.id)).status).toBe('in_progress');
    const starts = await standIn.requests({ method: 'POST', path: new RegExp(startPath(run.daemon)) });
    expect(starts.map((s) => s.answer)).toEqual(['503', '202']);
    expect(starts[1]!.path).toBe(starts[0]!.path);
    const sessions = await env.DB.prepare('SELECT id, status FROM agent_sessions WHERE task_id = ?').bind(run.task.id).all();
    expect(sessions.results).toHaveLength(1);
    expect(sessions.results[0]).toMatchObject({ status: 'running' });
  });
});

describe('timeouts and permanent failures', () => {
  it('fails the task naming node_agent_ready when the node never calls ready', async () => {
    const run = await startRun();
    await provisioned(run);
    const failed = await waitForStatus(run, 'failed');
    expect(failed.executionStep).toBe('node_agent_ready');
    expect(failed.error).toContain('node_agent_ready');
    expect(failed.error).toContain('timed out');
    expect(failed.events.at(-1)).toMatchObject({ fromStatus: 'queued', toStatus: 'failed', step: 'node_agent_ready', actor: 'task-runner' });
    expect(await runState(run)).toMatchObject({ finished: true });
    expect(await daemonCalls(run, 'POST', '/workspaces')).toEqual([]);
  });

  it('fails the task naming agent_session when the daemon refuses the start call with 400, without retrying', async () => {
    const run = await startRun();
    await standIn.rule({ method: 'POST', path: startPath(run.daemon), responses: [{ status: 400, body: { error: { code: 'bad_request', message: 'unknown agent' } } }] });
    await provisioned(run);
    await reportNodeReady(run);
    await workspaceRequested(run);
    await reportWorkspaceReady(run);
    const { start } = await agentSessionCalls(run);
    expect(start.answer).toBe('400');
    const failed = await waitForStatus(run, 'failed');
    expect(failed.error).toContain('agent_session');
    expect(failed.error).toContain('400');
    await eventually(async () => expect(await runState(run)).toMatchObject({ finished: true, pendingCleanup: null }));
    expect(await standIn.requests({ method: 'POST', path: new RegExp(startPath(run.daemon)) })).toHaveLength(1);

    // Completing an already failed task is an illegal transition, and changes nothing. (The task as
    // read once its run finished: the run's node time is added to its cost as the run ends.)
    const settled = await getTask(run.task.id);
    const refused = await expectJson<{ error: { code: string; message: string } }>(await taskCallback(run, completed(run)), 409);
    expect(refused.error.message).toContain('failed');
    expect(await getTask(run.task.id)).toEqual(settled);
    expect(settled).toEqual({ ...failed, cost: settled.cost });
  });

  it('fails the task naming workspace_ready when the daemon reports the workspace failed', async () => {
    const run = await startRun();
    await provisioned(run);
    await reportNodeReady(run);
    await workspaceRequested(run);
    await reportWorkspaceReady(run, { status: 'error', error: 'git clone failed: repository not found' });
    const failed = await waitForStatus(run, 'failed');
    expect(failed.error).toContain('workspace_ready');
    expect(failed.error).toContain('repository not found');
  });
});

describe('a conflict across a Durable Object call', () => {
  it('fails the task at once, naming the conflict, when its new node\'s lifecycle is already destroyed (not after STEP_NODE_SELECTION_TIMEOUT_MS)', async () => {
    const project = await createProject('doomed-node');
    const draft = await createTask(project.id, { description: 'never runs' });
    await transitionTask(deps(), draft.id, 'ready', { actor: 'test' });
    const { task } = await transitionTask(deps(), draft.id, 'queued', { actor: 'test', fields: { execution_step: 'node_selection' } });
    // The run's candidate node id is already taken by a node whose lifecycle ended.
    const doomed = `nod_${crypto.randomUUID()}`;
    await nodeLifecycle(doomed).destroyUnused(doomed, 'manual');
    const run = { ...initialRunState(task.id, project.id, Date.now()), task: runSubjectOf(task), nodeId: doomed };
    await runInDurableObject(taskRunnerObject(task.id), async (_runner, state) => {
      await state.storage.put(RUN_STATE_KEY, run);
      await state.storage.setAlarm(Date.now());
    });

    const failed = await eventually(async () => {
      const current = await getTask(task.id);
      expect(current.status).toBe('failed');
      return current;
    });
    expect(failed.error).toBe(`step node_selection failed: node ${doomed} is destroyed`);
    expect(failed.events.at(-1)).toMatchObject({ fromStatus: 'queued', toStatus: 'failed', step: 'node_selection', actor: 'task-runner' });
    // Failed on its first attempt: the conflict was never taken for a transient failure.
    const state = await runInDurableObject(taskRunnerObject(task.id), (_runner, storage) => storage.storage.get<{ attempt: number; lastError: string }>(RUN_STATE_KEY));
    expect(state).toMatchObject({ attempt: 0, lastError: `step node_selection failed: node ${doomed} is destroyed` });
    expect((await getTaskRow(deps().db, task.id))?.node_id).toBeNull();
  });
});

describe('races and lost alarms', () => {
  it('accepts a task callback that arrives while the start call is still in flight, and cleans up', async () => {
    const run = await startRun();
    await standIn.rule({ method: 'POST', path: startPath(run.daemon), responses: [{ hold: `start-${run.task.id}` }] });
    await provisioned(run);
    await reportNodeReady(run);
    await workspaceRequested(run);
    await reportWorkspaceReady(run);
    const { start } = await agentSessionCalls(run);
    expect(start.answer).toBe(`held:start-${run.task.id}`);

    // The agent was fast: its turn ended before the start call was answered.
    expect(await expectJson(await taskCallback(run, completed(run)), 200)).toEqual({ ok: true, duplicate: false });
    await standIn.release(`start-${run.task.id}`);
    await waitForStatus(run, 'completed');
    await eventually(async () => {
      expect(await runState(run)).toMatchObject({ finished: true, pendingCleanup: null });
      expect(await daemonCalls(run, 'DELETE', `/workspaces/${run.workspaceId}`)).toHaveLength(1);
    });
    expect((await getTask(run.task.id)).status).toBe('completed');
  });

  it('is woken by the cron sweep when its alarm was lost', async () => {
    const run = await startRun();
    await provisioned(run);
    await reportNodeReady(run);
    await workspaceRequested(run);
    const stub = taskRunnerObject(run.task.id);
    // Lose the alarm of the waiting step. A step running right now re-arms it when it ends, so
    // delete again until no alarm shows up for 300 ms.
    const alarmAt = () => runInDurableObject(stub, (_runner, state) => state.storage.getAlarm());
    // (Running an alarm that came back anyway is harmless here: the step only polls again.)
    await eventually(async () => {
      await runInDurableObject(stub, (_runner, state) => state.storage.deleteAlarm());
      for (let i = 0; i < 10; i += 1) {
        await sleep(30);
        expect(await alarmAt()).toBeNull();
      }
      expect(await runDurableObjectAlarm(stub)).toBe(false);
    });
    // The workspace came up, but the wake-up of its ready callback was lost too.
    await setWorkspaceStatus(env.DB, run.workspaceId, 'running');
    await sleep(100);
    expect(await runState(run)).toMatchObject({ step: 'workspace_ready' });
    expect(await daemonCalls(run, 'POST', `/workspaces/${run.workspaceId}/agent-sessions`)).toEqual([]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    await agentSessionCalls(run);
    await waitForStep(run, 'running');
  });
});
