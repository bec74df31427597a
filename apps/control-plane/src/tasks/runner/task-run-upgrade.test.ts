/**
 * TaskRunner state stored by an earlier version (a local `flotilla up` upgraded with runs under
 * way): a task's run that did not keep its task yet reads the task row once and goes on; a
 * workspace created by hand that an old TaskRunner was setting up (they have their own
 * WorkspaceRunner now) is deleted — its agent stopped, its workspace destroyed, its node released.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createProject, createTask, deps, eventually, nodeLifecycle, standIn, taskRunner, taskRunnerObject } from '../../../test/helpers.js';
import { initialRunState, RUN_STATE_KEY, type RunState } from '../../runs/run-state.js';
import { insertNode, markNodeReady } from '../../nodes/repository.js';
import { getWorkspace, insertWorkspace, setWorkspaceStatus } from '../../workspaces/repository.js';
import { transitionTask } from '../status.js';

/** Store `state` as the run of `runnerName`'s TaskRunner and wake it. */
async function seed(runnerName: string, state: RunState): Promise<void> {
  await runInDurableObject(taskRunnerObject(runnerName), async (_runner, storage) => {
    await storage.storage.put(RUN_STATE_KEY, state);
    await storage.storage.setAlarm(Date.now());
  });
}

describe('run state of an earlier version', () => {
  it('a task run without its task reads the task row once and goes on', async () => {
    const project = await createProject('upgrade-task');
    const draft = await createTask(project.id, { description: 'Go on after the upgrade.' });
    await transitionTask(deps(), draft.id, 'ready', { actor: 'test' });
    await transitionTask(deps(), draft.id, 'queued', { actor: 'test', fields: { execution_step: 'node_selection' } });
    await seed(draft.id, initialRunState(draft.id, project.id, Date.now()));

    const state = await eventually(async () => {
      const current = await taskRunner(draft.id).getState();
      expect(current?.step).toBe('node_agent_ready');
      return current!;
    });
    expect(state.task).toMatchObject({ taskId: draft.id, projectId: project.id, chatSessionId: draft.chatSessionId });
    expect(await standIn.createNodeCalls(state.nodeId!)).toHaveLength(1);
  });

  it('a workspace created by hand that an old TaskRunner set up is deleted, and its node released', async () => {
    const project = await createProject('upgrade-manual');
    const key = `legacy-${crypto.randomUUID()}`;
    const nodeId = `nod_${crypto.randomUUID()}`;
    const workspaceId = `ws_${crypto.randomUUID()}`;
    await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
    await markNodeReady(env.DB, nodeId, standIn.daemonUrl(key), 'test', 'none');
    await insertWorkspace(env.DB, { id: workspaceId, nodeId, projectId: project.id, taskId: null, chatSessionId: 'ses_legacy', branch: `workspace/${workspaceId}` });
    await setWorkspaceStatus(env.DB, workspaceId, 'running');
    await nodeLifecycle(nodeId).markActive(nodeId, workspaceId);
    const manualWorkspace = { workspaceId, chatSessionId: 'ses_legacy', agentType: 'claude-code' as const };
    await seed(workspaceId, { ...initialRunState(null, project.id, Date.now()), manualWorkspace, step: 'running', nodeId, workspaceId, agentSessionId: 'as_legacy' });

    await eventually(async () => {
      expect(await standIn.requests({ method: 'DELETE', path: `/daemon/${key}/workspaces/${workspaceId}` })).toHaveLength(1);
      expect((await getWorkspace(env.DB, workspaceId))?.status).toBe('destroyed');
      expect(await taskRunner(workspaceId).getState()).toMatchObject({ finished: true, destroyRequested: true, pendingCleanup: null });
    });
    expect(await standIn.requests({ method: 'POST', path: `/daemon/${key}/workspaces/${workspaceId}/agent-sessions/as_legacy/cancel` })).toHaveLength(0);
    expect((await nodeLifecycle(nodeId).getStatus()).holderIds).toEqual([]);
  });
});
