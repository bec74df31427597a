/** How the web app names notification events (settings, delivery log). */
import type { NotificationEvent } from '@flotilla/contracts';

export const EVENT_LABELS: Record<NotificationEvent, string> = { 'task.completed': 'Task completed', 'task.failed': 'Task failed', 'permission.requested': 'The agent asks permission' };
