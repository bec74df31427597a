/**
 * What a notification says in words: the title of a Web Push notification and the `text` of
 * a Slack-compatible webhook, in plain words a user knows.
 */
import type { NotificationPayload } from '@flotilla/contracts';

const EVENT_WORDS: Record<NotificationPayload['event'], string> = {
  'task.completed': 'Task completed',
  'task.failed': 'Task failed',
  'permission.requested': 'The agent asks permission',
};

/** What the event is about: the task's title, else the tool call asking permission. */
function subjectOf(payload: NotificationPayload): string {
  return payload.task?.title ?? payload.permission?.title ?? 'a workspace';
}

/** `Task completed: <title>`, `The agent asks permission: <tool call>`. */
export function notificationTitle(payload: NotificationPayload): string {
  const permission = payload.event === 'permission.requested' && payload.permission?.title ? payload.permission.title : null;
  return `${EVENT_WORDS[payload.event]}: ${permission ?? subjectOf(payload)}`;
}

/** Slack mrkdwn escaping of `&`, `<` and `>`. */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The `text` of a Slack-compatible webhook: event, linked title, project, and branch / pull request / error. */
export function slackText(payload: NotificationPayload): string {
  const { task, project } = payload;
  const url = task?.url ?? payload.url ?? '';
  const lines = [`${EVENT_WORDS[payload.event]}: <${url}|${escapeSlack(subjectOf(payload))}> in ${escapeSlack(project.name)}`];
  if (payload.event === 'permission.requested' && payload.permission?.title && task) lines.push(`Wants to: ${escapeSlack(payload.permission.title)}`);
  if (task?.prUrl) lines.push(`Pull request: ${task.prUrl}`);
  else if (task?.branch && payload.event !== 'permission.requested') lines.push(`Branch: ${escapeSlack(task.branch)}`);
  if (task?.error) lines.push(`Error: ${escapeSlack(task.error)}`);
  return lines.join('\n');
}
