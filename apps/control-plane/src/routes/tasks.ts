/** Tasks of a project: `/api/projects/:projectId/tasks…` and `/api/tasks/:taskId`. */
import { CreateTaskRequest, TaskStatus } from '@flotilla/contracts';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { getTaskRow, listTaskEvents, listTaskRows, toTask } from '../db/tasks-repository.js';
import { notFound } from '../lib/errors.js';
import { parseJsonBody, parseWith } from '../lib/validation.js';
import { submitTask } from '../services/task-submission.js';
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
    const row = await getTaskRow(c.env.DB, c.req.param('taskId'));
    if (!row || row.project_id !== c.req.param('projectId')) throw notFound(`task ${c.req.param('taskId')} not found in this project`);
    return c.json({ ...toTask(row), events: await listTaskEvents(c.env.DB, row.id) });
  });

export const tasksRoutes = new Hono<AppEnv>()
  /** A task by id alone, with its status events. */
  .get('/:taskId', async (c) => {
    const row = await getTaskRow(c.env.DB, c.req.param('taskId'));
    if (!row) throw notFound(`task ${c.req.param('taskId')} not found`);
    return c.json({ ...toTask(row), events: await listTaskEvents(c.env.DB, row.id) });
  });
