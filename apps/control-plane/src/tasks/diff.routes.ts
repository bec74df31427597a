/**
 * `GET /api/projects/:projectId/tasks/:taskId/diff` (issue 16 item 1, review): the patch of the
 * task's last completion, as the node daemon read it when it pushed the branch (tasks
 * diff-repository.ts). It outlives the workspace; a later completion replaces it.
 */
import { notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { requireProject } from '../projects/projects.js';
import { getTaskDiff } from './diff-repository.js';
import { getTaskRow } from './repository.js';

export const taskDiffHandlers: PublicHandlers<'getTaskDiff'> = {
  /**
   * The task's diff.
   * @throws FlotillaError not_found (404) when the project or the task does not exist, or the task
   *   has no diff (it has not completed, changed nothing, or ran on a daemon that sends none).
   */
  getTaskDiff: async ({ params }, c) => {
    await requireProject(c.env.DB, params.projectId);
    const row = await getTaskRow(c.env.DB, params.taskId);
    if (!row || row.project_id !== params.projectId) throw notFound(`task ${params.taskId} not found in project ${params.projectId}`);
    const diff = await getTaskDiff(c.env.DB, row.id);
    if (!diff) throw notFound(`task ${row.id} has no diff: it has not completed with changes`);
    return diff;
  },
};
