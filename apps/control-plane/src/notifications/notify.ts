/**
 * Announce a task's end to the people who asked (issue 16, item 3): when a task moves to
 * `completed` or `failed` (tasks/status.ts, the one place statuses change), one job per webhook
 * of its project that takes the event and per Web Push subscription is queued in D1, and the
 * project's Notifier is kicked to deliver them from its alarm. Never throws: a notification
 * that cannot be queued is logged and never fails the task's change.
 */
import { type NotificationEvent, type NotificationPayload, type TaskStatus } from '@flotilla/contracts';
import { errorMessage } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { IMPLICIT_USER_ID } from '../auth/principal.js';
import { getProject } from '../projects/repository.js';
import type { TaskRow } from '../tasks/repository.js';
import { insertJobs, type NewJob } from './job-repository.js';
import { listPushSubscriptionsOfProject } from './push-repository.js';
import { listWebhookRows, toWebhook } from './webhook-repository.js';

const EVENT_OF_STATUS: Partial<Record<TaskStatus, NotificationEvent>> = { completed: 'task.completed', failed: 'task.failed' };

/** Longest error text sent (a push payload must fit in about 3,900 bytes), in characters. */
const MAX_ERROR_CHARS = 500;
/** Longest title sent, in characters. */
const MAX_TITLE_CHARS = 300;

/**
 * The path of the task's page in the web app: its chat session (or the project's board). The
 * Notifier makes it absolute with BASE_URL when it sends (delivery.ts).
 */
function taskPath(task: TaskRow): string {
  const project = `/projects/${encodeURIComponent(task.project_id)}`;
  return task.chat_session_id ? `${project}/chat/${encodeURIComponent(task.chat_session_id)}` : `${project}/board`;
}

/** What is sent about `task` for `event` (its URLs still paths). */
export function notificationPayload(event: NotificationEvent, task: TaskRow, projectName: string): NotificationPayload {
  return {
    event,
    occurredAt: new Date().toISOString(),
    project: { id: task.project_id, name: projectName },
    url: taskPath(task),
    task: {
      id: task.id,
      title: task.title.slice(0, MAX_TITLE_CHARS),
      status: task.status,
      branch: task.output_branch,
      prUrl: task.output_pr_url,
      error: task.error ? task.error.slice(0, MAX_ERROR_CHARS) : null,
      url: taskPath(task),
    },
  };
}

/**
 * Queue `payload` for every webhook of its project that takes its event and every push
 * subscription, and kick the project's Notifier. One job per target and `subjectId`.
 * @throws whatever D1 or the Notifier throws (callers that must not fail catch it)
 */
export async function queueNotification(deps: Pick<Deps, 'db' | 'stubs'>, payload: NotificationPayload, subjectId: string): Promise<void> {
  const projectId = payload.project.id;
  const [webhooks, subscriptions] = await Promise.all([listWebhookRows(deps.db, projectId), listPushSubscriptionsOfProject(deps.db, projectId, IMPLICIT_USER_ID)]);
  const common = { projectId, event: payload.event, subjectId, taskId: payload.task?.id ?? null, payload: JSON.stringify(payload) };
  const jobs: NewJob[] = [
    ...webhooks.filter((row) => toWebhook(row).events.includes(payload.event)).map((row) => ({ ...common, targetKind: 'webhook' as const, targetId: row.id })),
    ...subscriptions.map((row) => ({ ...common, targetKind: 'push' as const, targetId: row.id })),
  ];
  if (jobs.length === 0) return;
  await insertJobs(deps.db, jobs);
  await deps.stubs.notifier(projectId).kick(projectId);
}

/**
 * Queue and kick the notifications of `task`, just moved to its status (nothing for a status
 * without an event, or a variant of a task run on several agents: its parent is announced).
 * Never throws.
 */
export async function notifyTaskStatus(deps: Pick<Deps, 'db' | 'stubs' | 'log'>, task: TaskRow): Promise<void> {
  const event = EVENT_OF_STATUS[task.status];
  if (!event || task.parent_task_id) return;
  try {
    const project = await getProject(deps.db, task.project_id);
    await queueNotification(deps, notificationPayload(event, task, project?.name ?? task.project_id), task.id);
  } catch (error) {
    deps.log.child({ component: 'notifications' }).warn('task notifications not queued', { taskId: task.id, event, error: errorMessage(error) });
  }
}
