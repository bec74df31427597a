/**
 * What a failed run leaves behind (runs/cleanup.ts) and when it goes (expiry.ts), issue 17: a
 * workspace whose set-up failed is destroyed at once and its node released; a set-up workspace is
 * kept with an expiry KEPT_WORKSPACE_TTL_MS away, and past it `expireKeptWorkspaces` destroys it
 * and releases the node; a workspace made by hand never expires.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { insertNode, markNodeReady } from '../nodes/repository.js';
import { cleanUpRun } from '../runs/cleanup.js';
import { initialRunState, type RunState } from '../runs/run-state.js';
import { api, createProject, createTask, deps, expectJson, nodeLifecycle, standIn } from '../../test/helpers.js';
import { expireKeptWorkspaces } from './expiry.js';
import { getWorkspace, insertWorkspace, setWorkspaceExpiry, setWorkspaceStatus } from './repository.js';

const log = deps().log.child({ component: 'expiry-test' });

/** An auto-provisioned ready node held by `taskId`, with its workspace in `status`. */
async function nodeWithWorkspace(taskId: string | null, status: 'creating' | 'error' | 'running', project?: { id: string }) {
  const nodeId = `nod_${crypto.randomUUID()}`;
  const workspaceId = `ws_${crypto.randomUUID()}`;
  project ??= await createProject('expiry');
  await insertNode(env.DB, { id: nodeId, provider: 'local', size: 'small' });
  await markNodeReady(env.DB, nodeId, standIn.daemonUrl(`expiry-${nodeId}`), 'test', 'none');
  await insertWorkspace(env.DB, { id: workspaceId, nodeId, projectId: project.id, taskId, chatSessionId: '', branch: `task/${taskId ?? 'manual'}` });
  if (status !== 'creating') await setWorkspaceStatus(env.DB, workspaceId, status, status === 'error' ? 'git clone failed (exit 128)' : null);
  await nodeLifecycle(nodeId).markActive(nodeId, taskId ?? workspaceId);
  const state: RunState = { ...initialRunState(taskId, project.id, Date.now()), step: 'workspace_ready', nodeId, workspaceId, finished: true, pendingCleanup: 'failed' };
  return { nodeId, workspaceId, state };
}

describe('a failed run and its workspace', () => {
  it('a workspace whose set-up failed is destroyed at once and its node goes warm', async () => {
    const { nodeId, workspaceId, state } = await nodeWithWorkspace('tsk_setup_failed', 'error');
    await cleanUpRun(deps(), state, 'failed', null, log);
    expect((await getWorkspace(env.DB, workspaceId))?.status).toBe('destroyed');
    expect(await nodeLifecycle(nodeId).getStatus()).toMatchObject({ status: expect.stringMatching(/^(warm|destroying|destroyed)$/), holderIds: [] });
  });

  it('a set-up workspace is kept until KEPT_WORKSPACE_TTL_MS, then expired and its node released', async () => {
    const { nodeId, workspaceId, state } = await nodeWithWorkspace('tsk_failed_later', 'running');
    const before = Date.now();
    await cleanUpRun(deps(), { ...state, step: 'running' }, 'failed', null, log);
    const kept = await getWorkspace(env.DB, workspaceId);
    expect(kept?.status).toBe('running');
    const expiresAt = Date.parse(kept?.expires_at ?? '');
    expect(expiresAt).toBeGreaterThanOrEqual(before + deps().config.KEPT_WORKSPACE_TTL_MS);
    expect(await nodeLifecycle(nodeId).getStatus()).toMatchObject({ status: 'active', holderIds: [] });

    // Not yet: nothing happens.
    expect(await expireKeptWorkspaces(deps(), expiresAt - 1, log)).not.toContain(workspaceId);
    expect((await getWorkspace(env.DB, workspaceId))?.status).toBe('running');
    // Past it: destroyed, and the node goes warm.
    expect(await expireKeptWorkspaces(deps(), expiresAt, log)).toContain(workspaceId);
    expect((await getWorkspace(env.DB, workspaceId))?.status).toBe('destroyed');
    expect(await nodeLifecycle(nodeId).getStatus()).toMatchObject({ status: expect.stringMatching(/^(warm|destroying|destroyed)$/), holderIds: [] });
  });

  it('a workspace made by hand is never expired', async () => {
    const { workspaceId, state } = await nodeWithWorkspace(null, 'running');
    await cleanUpRun(deps(), { ...state, step: 'running' }, 'failed', null, log);
    expect(await expireKeptWorkspaces(deps(), Date.now() + 365 * 86_400_000, log)).not.toContain(workspaceId);
    expect((await getWorkspace(env.DB, workspaceId))?.expires_at).toBeNull();
  });

  it("the workspace a (retried) task runs in now is neither expired nor deleted (409); its earlier kept one is", async () => {
    const project = await createProject('expiry-retry');
    const task = await createTask(project.id, { description: 'say: again' });
    const earlier = await nodeWithWorkspace(task.id, 'running', project);
    const current = await nodeWithWorkspace(task.id, 'running', project);
    await env.DB.prepare("UPDATE tasks SET status = 'in_progress', workspace_id = ? WHERE id = ?").bind(current.workspaceId, task.id).run();
    const past = new Date(Date.now() - 1_000).toISOString();
    await setWorkspaceExpiry(env.DB, earlier.workspaceId, past);
    await setWorkspaceExpiry(env.DB, current.workspaceId, past);

    const expired = await expireKeptWorkspaces(deps(), Date.now(), log);
    expect(expired).toContain(earlier.workspaceId);
    expect(expired).not.toContain(current.workspaceId);
    expect((await getWorkspace(env.DB, current.workspaceId))?.status).toBe('running');

    const refused = await expectJson<{ error: { code: string } }>(await api(`/api/projects/${project.id}/workspaces/${current.workspaceId}`, { method: 'DELETE' }), 409);
    expect(refused.error.code).toBe('conflict');
    const listed = await expectJson<{ workspaces: Array<{ workspaceId: string; kind: string; taskId: string }> }>(await api(`/api/projects/${project.id}/workspaces`), 200);
    expect(listed.workspaces).toEqual([expect.objectContaining({ workspaceId: current.workspaceId, kind: 'task', taskId: task.id })]);
  });
});
