/**
 * Resume (issue 15 item 3): a follow-up prompt to the chat session of a task that ended — it
 * completed, or it failed or was cancelled and its workspace is gone or stopped — runs the task
 * again instead of being refused. The task goes `completed|failed|cancelled → queued` (the
 * contracts' `resume` transition) with the follow-up's messageId recorded (`resume_message_id`),
 * the prompt is stored in the chat, and its TaskRunner starts a new run: a new workspace on
 * the task's pushed branch (tasks/runner/steps.ts, `continueBranch`), the same chat session, and
 * as the new agent's first prompt the conversation so far with the follow-up
 * (tasks/resume-prompt.ts). The run completes as any other, with a new commit on the same branch;
 * the task's pull request is kept (task-run.ts).
 */
import { RESUMABLE_TASK_STATUSES, type ChatSession, type UserRef } from '@flotilla/contracts';
import type { Deps } from '../deps.js';
import { getWorkspace } from '../workspaces/repository.js';
import { getTaskRow, runSubjectOf, type TaskRow } from './repository.js';
import { transitionTaskFrom } from './status.js';

type ResumeDeps = Pick<Deps, 'db' | 'stubs' | 'log'>;

/** Workspace statuses in which a failed or cancelled task's workspace still holds its run (it is resumed there, not anew: 409). */
const LIVE_WORKSPACE_STATUSES = new Set(['creating', 'running']);

/**
 * The task of `session` when a follow-up to it resumes it: it ended (`completed`, or `failed` /
 * `cancelled` with its workspace gone or stopped) and is not a task run on several agents (its
 * variants are resumed each in its own session). Null otherwise.
 */
export async function resumableTaskOf(db: D1Database, session: ChatSession): Promise<TaskRow | null> {
  if (!session.taskId) return null;
  const task = await getTaskRow(db, session.taskId);
  if (!task || task.variant_agent_types || !RESUMABLE_TASK_STATUSES.includes(task.status)) return null;
  if (task.status === 'completed' || !task.workspace_id) return task;
  const workspace = await getWorkspace(db, task.workspace_id);
  return workspace && LIVE_WORKSPACE_STATUSES.has(workspace.status) ? null : task;
}

/**
 * Resume `task` (as read by {@link resumableTaskOf}) with the follow-up `text`: move the task
 * back to `queued` (kind `resume`; its output — branch, pull request — kept, its run fields
 * cleared, the follow-up's messageId recorded), store the follow-up in the chat as a `user`
 * message with a note after it, and start the run. The status moves first: a follow-up that
 * loses the race against another is refused with nothing stored. Should this request die between
 * the move and the run's start, the cron starts the queued run (tasks/runner/recovery.ts); a
 * follow-up that never reached the chat then fails the run, saying so (resume-prompt.ts).
 * @returns the messageId the follow-up is stored under
 * @throws FlotillaError conflict (409) when the task changed status meanwhile (another follow-up
 *   resumed it at the same moment)
 */
export async function resumeTask(deps: ResumeDeps, task: TaskRow, text: string, actor: string, author: UserRef | null = null): Promise<{ messageId: string; task: TaskRow }> {
  const sessionId = task.chat_session_id;
  const data = deps.stubs.projectData(task.project_id);
  const messageId = crypto.randomUUID();
  const previous = task.status;
  const { task: queued } = await transitionTaskFrom(deps, task, 'queued', {
    kind: 'resume',
    actor,
    reason: `resumed by a follow-up prompt (it was ${previous})`,
    step: 'node_selection',
    fields: { execution_step: 'node_selection', error: null, node_id: null, workspace_id: null, agent_session_id: null, output_warning: null, resume_message_id: messageId },
  });
  if (sessionId) {
    const where = task.output_branch ? `on its branch ${task.output_branch}` : 'on a new branch (nothing was pushed before)';
    const at = new Date().toISOString();
    await data.updateSession(task.project_id, sessionId, { status: 'active' });
    await data.persistMessageBatch([
      { messageId, sessionId, role: 'user', content: text, timestamp: at, author },
      { messageId: crypto.randomUUID(), sessionId, role: 'system', content: `Resuming the task in a new workspace ${where}; the agent gets the conversation so far with this message.`, timestamp: at },
    ]);
  }
  await deps.stubs.taskRunner(task.id).start(runSubjectOf(queued));
  deps.log.child({ component: 'task-resume' }).info('task resumed', { taskId: task.id, previousStatus: previous, branch: task.output_branch, messageId });
  return { messageId, task: queued };
}
