/** Tasks of a project: `/api/projects/:projectId/tasks…` and `/api/tasks/:taskId`. */
import { CreateTaskRequest, TaskStatus, UpdateTaskRequest } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { editTask, getTaskRow, listTaskEvents, listTaskRows, toTask, type TaskRow } from '../db/tasks-repository.js';
import { conflict, notFound } from '../lib/errors.js';
import { parseJsonBody, parseWith } from '../lib/validation.js';
import { cancelTask, retryTask } from '../services/task-lifecycle.js';
import { announceTaskChange } from '../services/task-events.js';
import { transitionTask } from '../services/task-status.js';
import { runTask, submitTask } from '../services/task-submission.js';
import { requireProject } from './projects.js';

const USER = 'user';

export const projectTasksRoutes = new Hono<AppEnv>()
  /** Create a task `{description, title?, agentType?, priority?, run?}`; `run: true` starts it. 201. */
  .post('/', async (c) => {
    const project = await requireProject(c.env.DB, c.req.param('projectId') ?? '');
    const input = await parseJsonBody(c, CreateTaskRequest);
    return c.json(await submitTask(c.env, project, input, USER), 201);
  })
  /** List tasks, `?status=` filter, by priority then recency. */
  .get('/', async (c) => {
    const projectId = c.req.param('projectId') ?? '';
    await requireProject(c.env.DB, projectId);
    const status = c.req.query('status');
    const rows = await listTaskRows(c.env.DB, projectId, status ? parseWith(TaskStatus, status) : undefined);
    return c.json({ tasks: rows.map(toTask) });
  })
  .get('/:taskId', async (c) => {
    const row = await requireProjectTask(c.env.DB, c.req.param('projectId') ?? '', c.req.param('taskId'));
    return c.json({ ...toTask(row), events: await listTaskEvents(c.env.DB, row.id) });
  })
  /**
   * Edit a `draft` or `ready` task: `{title?, description?, priority?, agentType?, vmSize?}`.
   * 409 naming the status once it has been queued.
   */
  .patch('/:taskId', async (c) => {
    const row = await requireProjectTask(c.env.DB, c.req.param('projectId') ?? '', c.req.param('taskId'));
    const changes = await parseJsonBody(c, UpdateTaskRequest);
    if (row.status !== 'draft' && row.status !== 'ready') throw conflict(`task ${row.id} is ${row.status}; only draft or ready tasks can be edited`);
    if (!(await editTask(c.env.DB, row.id, changes, row.status))) throw conflict(`task ${row.id} changed status while being edited`);
    await announceTaskChange(c.env, row.id);
    const updated = await requireProjectTask(c.env.DB, row.project_id, row.id);
    return c.json(toTask(updated));
  })
  /** Move a `draft` task to the backlog's `ready` column (200 with the task); 409 otherwise. */
  .post('/:taskId/ready', async (c) => {
    const row = await requireProjectTask(c.env.DB, c.req.param('projectId') ?? '', c.req.param('taskId'));
    await transitionTask(c.env, row.id, 'ready', { actor: USER, reason: 'marked ready' });
    return c.json(toTask(await requireProjectTask(c.env.DB, row.project_id, row.id)));
  })
  /** Run a `draft` or `ready` task now (202 with the queued task); 409 otherwise. */
  .post('/:taskId/run', async (c) => {
    const row = await requireProjectTask(c.env.DB, c.req.param('projectId') ?? '', c.req.param('taskId'));
    await runTask(c.env, row.id, row.project_id, USER);
    return c.json(toTask(await requireProjectTask(c.env.DB, row.project_id, row.id)), 202);
  })
  /**
   * Cancel a task in any non-terminal status (200 with the `cancelled` task). A running agent is
   * stopped (ACP `session/cancel`, then its process) and the workspace kept. 409 naming the
   * status when it already ended.
   */
  .post('/:taskId/cancel', async (c) => {
    const row = await requireProjectTask(c.env.DB, c.req.param('projectId') ?? '', c.req.param('taskId'));
    await cancelTask(c.env, row, USER);
    return c.json(toTask(await requireProjectTask(c.env.DB, row.project_id, row.id)));
  })
  /**
   * Retry a `failed` or `cancelled` task (202 with the queued task): a new run in a fresh
   * workspace, the same chat session with a system message marking the retry. 409 otherwise.
   */
  .post('/:taskId/retry', async (c) => {
    const row = await requireProjectTask(c.env.DB, c.req.param('projectId') ?? '', c.req.param('taskId'));
    await retryTask(c.env, row, USER);
    return c.json(toTask(await requireProjectTask(c.env.DB, row.project_id, row.id)), 202);
  });

async function requireProjectTask(db: D1Database, projectId: string, taskId: string): Promise<TaskRow> {
  const row = await getTaskRow(db, taskId);
  if (!row || row.project_id !== projectId) throw notFound(`task ${taskId} not found in project ${projectId}`);
  return row;
}

export const tasksRoutes = new Hono<AppEnv>()
  /** A task by id alone, with its status events. */
  .get('/:taskId', async (c) => {
    const row = await getTaskRow(c.env.DB, c.req.param('taskId'));
    if (!row) throw notFound(`task ${c.req.param('taskId')} not found`);
    return c.json({ ...toTask(row), events: await listTaskEvents(c.env.DB, row.id) });
  });
