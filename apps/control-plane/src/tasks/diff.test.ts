/**
 * The task diff (issue 16 item 1): the patch a completion callback carries is stored and served by
 * `GET /api/projects/:projectId/tasks/:taskId/diff`; 404 before it exists, for another project's
 * task and for a completion without changes; it stays after the run's cleanup.
 */
import type { TaskDiff } from '@flotilla/contracts';
import { describe, expect, it } from 'vitest';
import { api, createProject, expectJson } from '../../test/helpers.js';
import { completed, driveToRunning, taskCallback, waitForStatus } from '../../test/task-run.js';

const PATCH = ['diff --git a/src/thing.ts b/src/thing.ts', '--- a/src/thing.ts', '+++ b/src/thing.ts', '@@ -1 +1,3 @@', '-old', '+new', '+two', '+three', ''].join('\n');

describe('task diff', () => {
  it('serves the patch of the completion, after the run cleaned up', async () => {
    const run = await driveToRunning();
    const path = `/api/projects/${run.project.id}/tasks/${run.task.id}/diff`;
    expect(await expectJson<{ error: { code: string } }>(await api(path), 404)).toMatchObject({ error: { code: 'not_found' } });

    const diffPatch = { patch: PATCH, truncated: true, omittedFiles: ['big.bin'], omittedFileCount: 1 };
    expect(await expectJson(await taskCallback(run, { ...completed(run), diffPatch }), 200)).toEqual({ ok: true, duplicate: false });
    await waitForStatus(run, 'completed');
    const diff = await expectJson<TaskDiff>(await api(path), 200);
    expect(diff).toMatchObject({ taskId: run.task.id, commitSha: completed(run).commitSha, branch: `task/${run.task.id}`, baseBranch: 'main', ...diffPatch });

    const other = await createProject('other');
    expect((await api(`/api/projects/${other.id}/tasks/${run.task.id}/diff`)).status).toBe(404);
  });

  it('answers 404 for a completion that changed nothing', async () => {
    const run = await driveToRunning();
    const nothing = { ...completed(run), branch: null, commitSha: null, filesChanged: [] };
    delete (nothing as { diffStat?: unknown }).diffStat;
    expect((await taskCallback(run, nothing)).status).toBe(200);
    await waitForStatus(run, 'completed');
    expect((await api(`/api/projects/${run.project.id}/tasks/${run.task.id}/diff`)).status).toBe(404);
  });

  it('refuses a patch over the limit with 400', async () => {
    const run = await driveToRunning();
    const diffPatch = { patch: 'x'.repeat(1_800_001), truncated: false, omittedFiles: [], omittedFileCount: 0 };
    expect((await taskCallback(run, { ...completed(run), diffPatch })).status).toBe(400);
  });
});
