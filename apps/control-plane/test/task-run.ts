/**
 * Driving one task run through its steps from the outside, as the local cloud and a node daemon
 * would: wait for the control plane's call to the stand-in, then answer with the callback the
 * real daemon sends. Each run's daemon lives at `<stand-in>/daemon/<taskId>`.
 */
import type { ExecutionStep, Project, TaskStatus, TaskWithEvents } from '@flotilla/contracts';
import { expect } from 'vitest';
import type { RunState } from '../src/runs/run-state.js';
import { api, createProject, createTask, eventually, expectJson, getTask, standIn, taskRunner, type RecordedRequest } from './helpers.js';

export interface Run {
  project: Project;
  task: TaskWithEvents;
  /** Path prefix of this run's stand-in daemon. */
  daemon: string;
  nodeId: string;
  nodeToken: string;
  workspaceId: string;
  workspaceToken: string;
  agentSessionId: string;
}

const answered = (r: RecordedRequest) => /^2\d\d$/.test(r.answer);

/** Create a project and a task with `run: true`; returns once the task has its node id. */
export async function startRun(description = 'Make the tests pass.'): Promise<Run> {
  const project = await createProject('runner');
  const task = await createTask(project.id, { description, agentType: 'claude-code', run: true });
  const nodeId = await eventually(async () => {
    const { nodeId } = await getTask(task.id);
    if (!nodeId) throw new Error('no node selected yet');
    return nodeId;
  });
  return { project, task, daemon: `/daemon/${task.id}`, nodeId, nodeToken: '', workspaceId: '', workspaceToken: '', agentSessionId: '' };
}

export async function runState(run: Run): Promise<RunState> {
  const state = await taskRunner(run.task.id).getState();
  if (!state) throw new Error(`task ${run.task.id} has no run state`);
  return state;
}

export async function waitForStep(run: Run, step: ExecutionStep, timeout?: number): Promise<RunState> {
  return eventually(async () => {
    const state = await runState(run);
    expect(state.step).toBe(step);
    return state;
  }, timeout);
}

export async function waitForStatus(run: Run, status: TaskStatus, timeout?: number): Promise<TaskWithEvents> {
  return eventually(async () => {
    const task = await getTask(run.task.id);
    expect(task.status).toBe(status);
    return task;
  }, timeout);
}

/** The control plane's calls to this run's stand-in daemon, optionally below `path`. */
export function daemonCalls(run: Run, method: string, path = ''): Promise<RecordedRequest[]> {
  const exact = `${run.daemon}${path}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return standIn.requests({ method, path: new RegExp(`^${exact}$`) });
}

/** Wait until the local cloud accepted createNode for this run's node; keeps its token. */
export async function provisioned(run: Run): Promise<RecordedRequest> {
  const call = await eventually(async () => {
    const ok = (await standIn.createNodeCalls(run.nodeId)).filter(answered);
    expect(ok).toHaveLength(1);
    return ok[0]!;
  });
  run.nodeToken = (call.body as { callbackToken: string }).callbackToken;
  await waitForStep(run, 'node_agent_ready');
  return call;
}

/** The node daemon's ready callback, reporting this run's stand-in daemon as the node's URL. */
export async function reportNodeReady(run: Run): Promise<void> {
  const body = { url: standIn.daemonUrl(run.task.id), daemonVersion: 'stand-in' };
  await expectJson(await api(`/api/nodes/${run.nodeId}/ready`, { method: 'POST', body, token: run.nodeToken }), 200);
}

/** Wait until the daemon accepted `POST /workspaces`; keeps the workspace id and its token. */
export async function workspaceRequested(run: Run): Promise<RecordedRequest> {
  const call = await eventually(async () => {
    const ok = (await daemonCalls(run, 'POST', '/workspaces')).filter(answered);
    expect(ok).toHaveLength(1);
    return ok[0]!;
  });
  const body = call.body as { workspaceId: string; callbackToken: string };
  run.workspaceId = body.workspaceId;
  run.workspaceToken = body.callbackToken;
  await waitForStep(run, 'workspace_ready');
  return call;
}

export async function reportWorkspaceReady(run: Run, body: Record<string, unknown> = { status: 'running' }): Promise<void> {
  await expectJson(await api(`/api/workspaces/${run.workspaceId}/ready`, { method: 'POST', body, token: run.workspaceToken }), 200);
}

/** Wait for the register and start calls of the agent session. */
export async function agentSessionCalls(run: Run): Promise<{ register: RecordedRequest; start: RecordedRequest }> {
  const base = `/workspaces/${run.workspaceId}/agent-sessions`;
  return eventually(async () => {
    const [register] = await daemonCalls(run, 'POST', base);
    const [start] = await standIn.requests({ method: 'POST', path: new RegExp(`^${run.daemon}${base}/[^/]+/start$`) });
    expect(register).toBeDefined();
    expect(start).toBeDefined();
    run.agentSessionId = (register!.body as { agentSessionId: string }).agentSessionId;
    return { register: register!, start: start! };
  });
}

/** Take a run from task creation to the `running` step (task `in_progress`). */
export async function driveToRunning(description?: string): Promise<Run> {
  const run = await startRun(description);
  await provisioned(run);
  await reportNodeReady(run);
  await workspaceRequested(run);
  await reportWorkspaceReady(run);
  await agentSessionCalls(run);
  await waitForStep(run, 'running');
  await waitForStatus(run, 'in_progress');
  return run;
}

/** The daemon's task callback (`POST /api/tasks/:id/callback`) with the workspace's token. */
export function taskCallback(run: Run, body: Record<string, unknown>): Promise<Response> {
  return api(`/api/tasks/${run.task.id}/callback`, { method: 'POST', body, token: run.workspaceToken });
}

export const completed = (run: Run) => ({
  status: 'completed',
  branch: `task/${run.task.id}`,
  commitSha: '0123456789abcdef0123456789abcdef01234567',
  summary: 'Did the thing.',
  filesChanged: ['src/thing.ts'],
  diffStat: {
    baseBranch: 'main',
    files: [{ path: 'src/thing.ts', status: 'modified', additions: 3, deletions: 1 }],
    fileCount: 1,
    additions: 3,
    deletions: 1,
    truncated: false,
  },
});
