/**
 * Cancel and retry (issue 4, DESIGN.md §3): the user's two ways of changing a task that is under
 * way or has ended. Status changes go through `transitionTask` (the one place, 409 naming both
 * statuses); the TaskRunner does what the change means for the run.
 */
import type { TaskStatus } from '@flotilla/contracts';
import type { TaskRow } from '../db/tasks-repository.js';
import type { Env } from '../env.js';
import { conflict } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { projectData, runTask, taskRunner } from './task-submission.js';
import { transitionTask } from './task-status.js';

const log = createLogger('task-lifecycle');

/** Statuses a task can be retried from. */
const RETRYABLE: readonly TaskStatus[] = ['failed', 'cancelled'];

/**
 * Cancel `task` from any non-terminal status: the task becomes `cancelled` at once; a run under
 * way is ended by its TaskRunner, which stops the agent (ACP `session/cancel`, then the process)
 * and keeps the workspace. A note is added to the chat.
 * @throws HttpError 409 when the task is already completed, failed or cancelled
 */
export async function cancelTask(env: Env, task: TaskRow, actor: string): Promise<void> {
  const reason = `cancelled by ${actor}`;
  const from = await transitionTask(env, task.id, 'cancelled', { actor, reason, step: task.execution_step, fields: { error: null } });
  const hadRun = from === 'draft' || from === 'ready' ? false : await taskRunner(env, task.id).cancelRun(reason);
  log.info('task cancelled', { taskId: task.id, from, hadRun });
  await addSystemMessage(env, task, from === 'draft' || from === 'ready' ? 'Task cancelled before it ran.' : `Task cancelled while ${from}; the agent is being stopped and its workspace kept.`);
}

/**
 * Retry a `failed` or `cancelled` task: it goes back to `ready` (its error and output cleared),
 * the chat session gets a system message marking the retry, and a new run starts — a fresh
 * workspace on a node chosen anew; the same chat session continues.
 * @throws HttpError 409 when the task is in any other status
 */
export async function retryTask(env: Env, task: TaskRow, actor: string): Promise<void> {
  if (!RETRYABLE.includes(task.status)) {
    throw conflict(`task ${task.id} is ${task.status}; only failed or cancelled tasks can be retried`);
  }
  const previous = task.status === 'failed' ? `failed: ${firstLine(task.error ?? 'no error recorded')}` : 'was cancelled';
  await transitionTask(env, task.id, 'ready', {
    kind: 'retry',
    actor,
    reason: `retry (the previous run ${previous})`,
    fields: {
      error: null,
      execution_step: null,
      node_id: null,
      workspace_id: null,
      agent_session_id: null,
      output_branch: null,
      output_commit_sha: null,
      output_pr_url: null,
      output_summary: null,
      output_files_changed: null,
      output_warning: null,
    },
  });
  const keptWorkspace = task.workspace_id ? ` Its workspace ${task.workspace_id} is kept for inspection.` : '';
  await addSystemMessage(env, task, `Retry: the previous run ${previous}.${keptWorkspace} Starting a new run in a fresh workspace.`);
  if (task.chat_session_id) await projectData(env, task.project_id).updateSession(task.project_id, task.chat_session_id, { status: 'active' });
  await runTask(env, task.id, task.project_id, actor);
  log.info('task retried', { taskId: task.id, previousStatus: task.status });
}

/** Append a `system` message to the task's chat session (no-op without one). */
async function addSystemMessage(env: Env, task: TaskRow, content: string): Promise<void> {
  if (!task.chat_session_id) return;
  await projectData(env, task.project_id).persistMessageBatch([
    { messageId: crypto.randomUUID(), sessionId: task.chat_session_id, role: 'system', content, timestamp: new Date().toISOString() },
  ]);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
