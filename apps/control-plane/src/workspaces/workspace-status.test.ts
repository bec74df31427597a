/**
 * A destroyed workspace stays destroyed (issue 12, item 6): neither the daemon's late
 * workspace-ready callback nor a run's failure revives it (repository.ts `setWorkspaceStatus`).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { getWorkspace, setWorkspaceStatus } from './repository.js';
import { api, createProject, createTask, expectJson, seedWorkspace } from '../../test/helpers.js';

async function destroyedWorkspace() {
  const project = await createProject('workspace-status');
  const task = await createTask(project.id, { description: 'status' });
  const ws = await seedWorkspace(project.id, task.chatSessionId!, task.id);
  await setWorkspaceStatus(env.DB, ws.workspaceId, 'destroyed');
  return ws;
}

describe('workspace status', () => {
  it('a late workspace-ready callback for a destroyed workspace is refused (409) and changes nothing', async () => {
    const ws = await destroyedWorkspace();
    const refused = await expectJson<{ error: { code: string; message: string } }>(
      await api(`/api/workspaces/${ws.workspaceId}/ready`, { method: 'POST', body: { status: 'running' }, token: ws.token }),
      409,
    );
    expect(refused.error).toEqual({ code: 'conflict', message: `workspace ${ws.workspaceId} is destroyed: it cannot become running` });
    expect((await getWorkspace(env.DB, ws.workspaceId))?.status).toBe('destroyed');
  });

  it('setWorkspaceStatus leaves a destroyed workspace destroyed and says so; other moves still happen', async () => {
    const ws = await destroyedWorkspace();
    expect(await setWorkspaceStatus(env.DB, ws.workspaceId, 'error', 'late failure')).toBe(false);
    expect(await getWorkspace(env.DB, ws.workspaceId)).toMatchObject({ status: 'destroyed', error: null });
    expect(await setWorkspaceStatus(env.DB, ws.workspaceId, 'destroyed')).toBe(true);

    const project = await createProject('workspace-status-live');
    const live = await seedWorkspace(project.id, (await createTask(project.id, { description: 'live' })).chatSessionId!);
    expect(await setWorkspaceStatus(env.DB, live.workspaceId, 'running')).toBe(true);
    expect(await setWorkspaceStatus(env.DB, live.workspaceId, 'error', 'clone failed')).toBe(true);
    expect(await getWorkspace(env.DB, live.workspaceId)).toMatchObject({ status: 'error', error: 'clone failed' });
  });
});
