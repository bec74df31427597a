/**
 * Project settings and task editing through the HTTP API: PATCH a project, PATCH a draft task,
 * run it from draft (two recorded transitions), and the 400/404/409 answers around them.
 */
import type { Project, Task, TaskWithEvents } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, createTask, expectJson, getTask } from '../../test/helpers.js';

describe('PATCH /api/projects/:projectId', () => {
  it('changes settings; defaultVmSize null falls back to the platform default', async () => {
    const project = await createProject('settings');
    expect(project).toMatchObject({ defaultVmSize: null, defaultProvider: 'local' });
    const large = await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultVmSize: 'large', defaultAgentType: 'scripted' } }), 200);
    expect(large).toMatchObject({ defaultVmSize: 'large', defaultAgentType: 'scripted', name: 'settings' });
    const cleared = await expectJson<Project>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultVmSize: null } }), 200);
    expect(cleared.defaultVmSize).toBeNull();
  });

  it('refuses an unknown size, an empty change and an unknown project', async () => {
    const project = await createProject('settings-bad');
    const bad = await expectJson<{ error: { message: string } }>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultVmSize: 'huge' } }), 400);
    expect(bad.error.message).toContain('defaultVmSize');
    await expectJson(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: {} }), 400);
    await expectJson(await api('/api/projects/prj_missing', { method: 'PATCH', body: { name: 'x' } }), 404);
    const unchanged = await expectJson<Project>(await api(`/api/projects/${project.id}`), 200);
    expect(unchanged.defaultVmSize).toBeNull();
  });

  it('refuses a default branch git would read as an option with 400 naming the field, and changes nothing', async () => {
    const project = await createProject('settings-branch');
    for (const defaultBranch of ['--help', '-b', 'main..evil', 'has space']) {
      const bad = await expectJson<{ error: { code: string; message: string } }>(await api(`/api/projects/${project.id}`, { method: 'PATCH', body: { defaultBranch } }), 400);
      expect(bad.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('defaultBranch') });
    }
    expect(await expectJson<Project>(await api(`/api/projects/${project.id}`), 200)).toEqual(project);
  });
});

describe('PATCH and run a task', () => {
  it('edits a draft, then runs it: draft → ready → queued, each recorded', async () => {
    const project = await createProject('edit');
    const draft = await createTask(project.id, { description: 'first idea' });
    const edited = await expectJson<Task>(
      await api(`/api/projects/${project.id}/tasks/${draft.id}`, { method: 'PATCH', body: { description: 'better idea', priority: 5, vmSize: 'medium', agentType: 'scripted' } }),
      200,
    );
    expect(edited).toMatchObject({ description: 'better idea', priority: 5, vmSize: 'medium', agentType: 'scripted', status: 'draft' });
    const queued = await expectJson<Task>(await api(`/api/projects/${project.id}/tasks/${draft.id}/run`, { method: 'POST' }), 202);
    expect(queued.status).toBe('queued');
    const task: TaskWithEvents = await getTask(draft.id);
    expect(task.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'draft'],
      ['draft', 'ready'],
      ['ready', 'queued'],
    ]);
  });

  it('marks a draft ready (recorded), and refuses it once the task is no longer a draft', async () => {
    const project = await createProject('ready');
    const draft = await createTask(project.id, { description: 'later' });
    const ready = await expectJson<Task>(await api(`/api/projects/${project.id}/tasks/${draft.id}/ready`, { method: 'POST' }), 200);
    expect(ready.status).toBe('ready');
    const again = await expectJson<{ error: { message: string } }>(await api(`/api/projects/${project.id}/tasks/${draft.id}/ready`, { method: 'POST' }), 409);
    expect(again.error.message).toContain('ready');
    const task = await getTask(draft.id);
    expect(task.events.at(-1)).toMatchObject({ fromStatus: 'draft', toStatus: 'ready', actor: 'user', reason: 'marked ready' });
  });

  it('refuses to edit or run a queued task with 409 naming its status', async () => {
    const project = await createProject('edit-queued');
    const task = await createTask(project.id, { description: 'go', run: true });
    const edit = await expectJson<{ error: { code: string; message: string } }>(
      await api(`/api/projects/${project.id}/tasks/${task.id}`, { method: 'PATCH', body: { title: 'late' } }),
      409,
    );
    expect(edit.error.message).toContain('queued');
    const run = await expectJson<{ error: { message: string } }>(await api(`/api/projects/${project.id}/tasks/${task.id}/run`, { method: 'POST' }), 409);
    expect(run.error.message).toContain('queued');
    await expectJson(await api(`/api/projects/${project.id}/tasks/tsk_missing`, { method: 'PATCH', body: { title: 'x' } }), 404);
    await expectJson(await api(`/api/projects/${project.id}/tasks/${task.id}`, { method: 'PATCH', body: { priority: -1 } }), 400);
  });
});
