/**
 * Cancel and retry (issue 4, DESIGN.md §3): the user's two ways of changing a task that is under
 * way or has ended. Status changes go through tasks/status.ts (the one place, 409 naming both
 * statuses; a retry is the only way out of `failed` or `cancelled`); the TaskRunner does what the
 * change means for the run. A task on several agents is cancelled or retried with its variants
 * (tasks/variants.ts); a variant is cancelled on its own (the routes refuse to run or retry one: its parent does).
 */
import { RETRYABLE_TASK_STATUSES, TERMINAL_TASK_STATUSES } from '@flotilla/contracts';
import { conflict } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { listVariantRows, type TaskRow } from './repository.js';
import { transitionTask, transitionTaskFrom } from './status.js';
import { runTask } from './submission.js';

type TaskDeps = Pick<Deps, 'db' | 'stubs' | 'log'>;

/**
 * Cancel `task` from any non-terminal status: the task becomes `cancelled` at once; a run under
 * way is ended by its TaskRunner, which stops the agent (ACP `session/cancel`, then the process)
 * and keeps the workspace. A note is added to the chat. A task on several agents is cancelled
 * first, then each of its variants still going (so its status stays `cancelled`).
 * @returns the cancelled task as written
 * @throws FlotillaError 409 when the task is already completed, failed or cancelled
 */
export async function cancelTask(deps: TaskDeps, task: TaskRow, actor: string): Promise<TaskRow> {
  const reason = `cancelled by ${actor}`;
  // Read again: the run may have moved it on since the caller read it.
  const { from, task: cancelled } = await transitionTask(deps, task.id, 'cancelled', { actor, reason, step: task.execution_step, fields: { error: null } });
  if (cancelled.variant_agent_types) {
    for (const variant of await listVariantRows(deps.db, [task.id])) {
      if (!TERMINAL_TASK_STATUSES.includes(variant.status)) await cancelTask(deps, variant, actor);
    }
    await addSystemMessage(deps, task, 'Task cancelled. Every variant still running is being stopped.');
    return cancelled;
  }
  const beforeRun = from === 'draft' || from === 'ready';
  const hadRun = beforeRun ? false : await deps.stubs.taskRunner(task.id).cancelRun(reason);
  deps.log.child({ component: 'task-lifecycle' }).info('task cancelled', { taskId: task.id, from, hadRun });
  await addSystemMessage(deps, task, beforeRun ? 'Task cancelled before it ran.' : 'Task cancelled. The agent is being stopped; its workspace is kept.');
  return cancelled;
}

/**
 * Retry a `failed` or `cancelled` task: it goes back to `ready` (its error and output cleared),
 * the chat session gets a system message marking the retry, and a new run starts — a fresh
 * workspace on a node chosen anew; the same chat session continues. A task on several agents
 * retries each of its variants that failed or was cancelled (those that completed stay so).
 * @returns the queued task as written
 * @throws FlotillaError 409 when the task is in any other status
 */
export async function retryTask(deps: TaskDeps, task: TaskRow, actor: string): Promise<TaskRow> {
  if (!RETRYABLE_TASK_STATUSES.includes(task.status)) throw conflict(`task ${task.id} is ${task.status}; only failed or cancelled tasks can be retried`);
  if (task.variant_agent_types) return retryVariants(deps, task, actor);
  const previous = task.status === 'failed' ? `failed: ${firstLine(task.error ?? 'no error recorded')}` : 'was cancelled';
  const { task: ready } = await transitionTaskFrom(deps, task, 'ready', {
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
      diff_stat: null,
      resume_message_id: null,
    },
  });
  const keptWorkspace = task.workspace_id ? ` Its workspace ${task.workspace_id} is kept for inspection.` : '';
  await addSystemMessage(deps, task, `Retrying in a fresh workspace: the previous run ${previous}.${keptWorkspace}`);
  if (task.chat_session_id) await deps.stubs.projectData(task.project_id).updateSession(task.project_id, task.chat_session_id, { status: 'active' });
  const queued = await runTask(deps, ready, actor);
  deps.log.child({ component: 'task-lifecycle' }).info('task retried', { taskId: task.id, previousStatus: task.status });
  return queued;
}

/** Retry `parent` (a task on several agents, failed or cancelled): it is queued again, and so is each of its variants that did not complete. */
async function retryVariants(deps: TaskDeps, parent: TaskRow, actor: string): Promise<TaskRow> {
  const previous = parent.status;
  const { task: ready } = await transitionTaskFrom(deps, parent, 'ready', { kind: 'retry', actor, reason: `retry (it ${previous === 'failed' ? 'failed' : 'was cancelled'})`, fields: { error: null } });
  const { task: queued } = await transitionTaskFrom(deps, ready, 'queued', { actor, reason: 'run requested' });
  await addSystemMessage(deps, parent, 'Retrying: every variant that failed or was cancelled runs again in a fresh workspace.');
  for (const variant of await listVariantRows(deps.db, [parent.id])) {
    if (RETRYABLE_TASK_STATUSES.includes(variant.status)) await retryTask(deps, variant, actor);
  }
  return queued;
}

/** Append a `system` message to the task's chat session (no-op without one). */
async function addSystemMessage(deps: TaskDeps, task: TaskRow, content: string): Promise<void> {
  if (!task.chat_session_id) return;
  await deps.stubs.projectData(task.project_id).persistMessageBatch([
    { messageId: crypto.randomUUID(), sessionId: task.chat_session_id, role: 'system', content, timestamp: new Date().toISOString() },
  ]);
}

/** The first line of `text`, at most 300 characters. */
function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
