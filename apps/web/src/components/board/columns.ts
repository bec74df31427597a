/**
 * The board's columns: draft, ready, in_progress, completed, failed and cancelled always;
 * queued and delegated (between ready and in_progress) only while they hold cards. Cards in a
 * column by priority, highest first, then the most recently updated.
 */
import type { Task, TaskStatus } from '@flotilla/contracts';

const PRIMARY: TaskStatus[] = ['draft', 'ready', 'in_progress', 'completed', 'failed', 'cancelled'];
const TRANSIENT: TaskStatus[] = ['queued', 'delegated'];

export function boardColumns(tasks: Task[]): Array<{ status: TaskStatus; tasks: Task[] }> {
  const statuses = [...PRIMARY.slice(0, 2), ...TRANSIENT.filter((s) => tasks.some((t) => t.status === s)), ...PRIMARY.slice(2)];
  return statuses.map((status) => ({
    status,
    tasks: tasks
      .filter((t) => t.status === status)
      .sort((a, b) => b.priority - a.priority || b.updatedAt.localeCompare(a.updatedAt)),
  }));
}

/** The column a narrow screen shows first: the first that holds cards (or the first column; null when there are none). */
export function firstNonEmptyColumn(columns: Array<{ status: TaskStatus; tasks: Task[] }>): TaskStatus | null {
  return (columns.find((c) => c.tasks.length > 0) ?? columns[0])?.status ?? null;
}
