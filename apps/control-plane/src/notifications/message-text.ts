/**
 * What a notification says in words: the title of a Web Push notification and the `text` of
 * a Slack-compatible webhook, in plain words a user knows.
 */
import type { NotificationPayload } from '@flotilla/contracts';

const EVENT_WORDS: Record<NotificationPayload['event'], string> = {
  'task.completed': 'Task completed',
  'task.failed': 'Task failed',
};

/** `Task completed: <title>`. */
export function notificationTitle(payload: NotificationPayload): string {
  return `${EVENT_WORDS[payload.event]}: ${payload.task.title}`;
}

/** Slack mrkdwn escaping of `&`, `<` and `>`. */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The `text` of a Slack-compatible webhook: event, linked title, project, and branch / pull request / error. */
export function slackText(payload: NotificationPayload): string {
  const { task, project } = payload;
  const lines = [`${EVENT_WORDS[payload.event]}: <${task.url}|${escapeSlack(task.title)}> in ${escapeSlack(project.name)}`];
  if (task.prUrl) lines.push(`Pull request: ${task.prUrl}`);
  else if (task.branch) lines.push(`Branch: ${escapeSlack(task.branch)}`);
  if (task.error) lines.push(`Error: ${escapeSlack(task.error)}`);
  return lines.join('\n');
}
