/**
 * Handlers of the task routes of the public API (contracts `publicApi`): tasks of a project
 * (create — with `run: true` it starts —, list, read, edit, mark ready, run, cancel, retry) and
 * `GET /api/tasks/:taskId`. Every answer is the task as just written or read, never read back
 * (a task on several agents with its `variants`, read with it); the list and the reads add each
 * task's `cost` (costs/task-costs.ts). Creating, running, retrying and cancelling are recorded in
 * the audit log (audit/).
 */
import { conflict, notFound } from '@flotilla/kit';
import type { PublicHandlers } from '../app-env.js';
import { recordFromRoute } from '../audit/record.js';
import { depsFromEnv } from '../deps.js';
import { withCost, withCosts } from '../costs/task-costs.js';
import { callerRef } from '../members/caller.js';
import { requireProject } from '../projects/projects.js';
import { announceTask } from './events.js';
import { cancelTask, retryTask } from './lifecycle.js';
import { editTask, getTaskRow, listTaskEvents, listTaskRows, type TaskRow } from './repository.js';
import { transitionTaskFrom } from './status.js';
import { runTask, submitTask } from './submission.js';
import { refuseOnVariant, withVariants, withVariantsOne } from './variants.js';

/** The actor of every change asked for through the API (local mode has one implicit user). */
const USER = 'user';

/** The task `taskId` of project `projectId`. @throws FlotillaError not_found (404) */
async function requireProjectTask(db: D1Database, projectId: string, taskId: string): Promise<TaskRow> {
  const row = await getTaskRow(db, taskId);
  if (!row || row.project_id !== projectId) throw notFound(`task ${taskId} not found in project ${projectId}`);
  return row;
}

export const taskHandlers: PublicHandlers<'createTask' | 'listTasks' | 'getProjectTask' | 'updateTask' | 'markTaskReady' | 'runTask' | 'cancelTask' | 'retryTask' | 'getTask'> = {
  createTask: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const task = await submitTask(deps, await requireProject(deps.db, params.projectId), body, USER, await callerRef(c));
    const target = { kind: 'task', id: task.id } as const;
    await recordFromRoute(c, { projectId: task.projectId, action: 'task.created', target, detail: { title: task.title } });
    if (body.run) await recordFromRoute(c, { projectId: task.projectId, action: 'task.run', target, detail: { title: task.title, retry: false } });
    return task;
  },

  listTasks: async ({ params, query }, c) => {
    const { db, config } = depsFromEnv(c.env);
    await requireProject(db, params.projectId);
    return { tasks: await withCosts(db, config.priceTable.table, await withVariants(db, await listTaskRows(db, params.projectId, query.status))) };
  },

  getProjectTask: async ({ params }, c) => {
    const { db, config } = depsFromEnv(c.env);
    const row = await requireProjectTask(db, params.projectId, params.taskId);
    return withCost(db, config.priceTable.table, { ...(await withVariantsOne(db, row)), events: await listTaskEvents(db, row.id) });
  },

  /** Edit a `draft` or `ready` task; 409 naming its status once it has been queued. */
  updateTask: async ({ params, body }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await requireProjectTask(deps.db, params.projectId, params.taskId);
    if (row.status !== 'draft' && row.status !== 'ready') throw conflict(`task ${row.id} is ${row.status}; only draft or ready tasks can be edited`);
    if (row.variant_agent_types && body.agentType) throw conflict(`task ${row.id} runs on several agents: its agent type cannot be set`);
    const edited = await editTask(deps.db, row.id, body, row.status);
    if (!edited) throw conflict(`task ${row.id} changed status while being edited`);
    await announceTask(deps, edited);
    return withVariantsOne(deps.db, edited);
  },

  /** Move a `draft` task to the backlog's `ready` column; 409 otherwise (a failed or cancelled task leaves only by retry). */
  markTaskReady: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await requireProjectTask(deps.db, params.projectId, params.taskId);
    return withVariantsOne(deps.db, (await transitionTaskFrom(deps, row, 'ready', { actor: USER, reason: 'marked ready' })).task);
  },

  /** Run a `draft` or `ready` task now (202 with the queued task); 409 otherwise, and for a variant (its parent runs it). */
  runTask: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await requireProjectTask(deps.db, params.projectId, params.taskId);
    refuseOnVariant(row, 'run');
    const started = await runTask(deps, row, USER);
    await recordFromRoute(c, { projectId: row.project_id, action: 'task.run', target: { kind: 'task', id: row.id }, detail: { title: row.title, retry: false } });
    return withVariantsOne(deps.db, started);
  },

  /**
   * Cancel a task in any non-terminal status. A running agent is stopped (ACP `session/cancel`,
   * then its process) and the workspace kept. 409 naming the status when it already ended.
   */
  cancelTask: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const cancelled = await cancelTask(deps, await requireProjectTask(deps.db, params.projectId, params.taskId), USER);
    await recordFromRoute(c, { projectId: cancelled.project_id, action: 'task.cancelled', target: { kind: 'task', id: cancelled.id }, detail: { title: cancelled.title } });
    return withVariantsOne(deps.db, cancelled);
  },

  /** Retry a `failed` or `cancelled` task: a new run in a fresh workspace, the same chat session. 409 otherwise, and for a variant (its parent is retried). */
  retryTask: async ({ params }, c) => {
    const deps = depsFromEnv(c.env);
    const row = await requireProjectTask(deps.db, params.projectId, params.taskId);
    refuseOnVariant(row, 'retry');
    const retried = await retryTask(deps, row, USER);
    await recordFromRoute(c, { projectId: row.project_id, action: 'task.run', target: { kind: 'task', id: row.id }, detail: { title: row.title, retry: true } });
    return withVariantsOne(deps.db, retried);
  },

  getTask: async ({ params }, c) => {
    const { db, config } = depsFromEnv(c.env);
    const row = await getTaskRow(db, params.taskId);
    if (!row) throw notFound(`task ${params.taskId} not found`);
    return withCost(db, config.priceTable.table, { ...(await withVariantsOne(db, row)), events: await listTaskEvents(db, row.id) });
  },
};
