/**
 * Creating and running tasks (DESIGN.md §2 hop 1): the task row in D1, its chat session in
 * ProjectData with the description as the first `user` message, and — for `run: true` — the
 * TaskRunner that carries it to the agent.
 */
import { deriveTaskTitle, newId, type CreateTaskRequest, type Project, type Task, type TaskStatus } from '@flotilla/contracts';
import { getTaskRow, insertTaskStatement, toTask } from '../db/tasks-repository.js';
import { announceTaskChange } from './task-events.js';
import type { Env } from '../env.js';
import { notFound } from '../lib/errors.js';
import { statusEventStatement, transitionTask } from './task-status.js';

export function projectData(env: Env, projectId: string) {
  return env.PROJECT_DATA.get(env.PROJECT_DATA.idFromName(projectId));
}

export function taskRunner(env: Env, taskId: string) {
  return env.TASK_RUNNER.get(env.TASK_RUNNER.idFromName(taskId));
}

/**
 * Create a task in `project`: `draft`, or with `run: true` queued and handed to its TaskRunner.
 * @returns the task as stored after creation
 */
export async function submitTask(env: Env, project: Project, input: CreateTaskRequest, actor: string): Promise<Task> {
  const taskId = newId('tsk');
  const chatSessionId = newId('ses');
  const initialMessageId = crypto.randomUUID();
  const title = input.title ?? deriveTaskTitle(input.description);
  const data = projectData(env, project.id);
  await data.createSession(project.id, { id: chatSessionId, taskId, workspaceId: null, topic: title });
  await data.persistMessageBatch([
    { messageId: initialMessageId, sessionId: chatSessionId, role: 'user', content: input.description, timestamp: new Date().toISOString() },
  ]);
  const status: TaskStatus = input.run ? 'ready' : 'draft';
  const now = new Date().toISOString();
  await env.DB.batch([
    insertTaskStatement(
      env.DB,
      {
        id: taskId,
        projectId: project.id,
        title,
        description: input.description,
        status,
        agentType: input.agentType ?? project.defaultAgentType,
        priority: input.priority ?? 0,
        vmSize: input.vmSize ?? null,
        chatSessionId,
        initialMessageId,
      },
      now,
    ),
    statusEventStatement(env.DB, taskId, null, status, { actor, reason: 'created' }),
  ]);
  if (input.run) await runTask(env, taskId, project.id, actor);
  else await announceTaskChange(env, taskId);
  const row = await getTaskRow(env.DB, taskId);
  if (!row) throw notFound(`task ${taskId} vanished after creation`);
  return toTask(row);
}

/**
 * Queue a task and start its TaskRunner. A draft becomes ready first (two recorded transitions).
 * @throws HttpError 409 when the task is neither `draft` nor `ready`
 */
export async function runTask(env: Env, taskId: string, projectId: string, actor: string): Promise<void> {
  const row = await getTaskRow(env.DB, taskId);
  if (row?.status === 'draft') await transitionTask(env, taskId, 'ready', { actor, reason: 'run requested' });
  await transitionTask(env, taskId, 'queued', { actor, reason: 'run requested', step: 'node_selection', fields: { execution_step: 'node_selection' } });
  await taskRunner(env, taskId).start(taskId, projectId);
}
