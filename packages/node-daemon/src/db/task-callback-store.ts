/**
 * Task callbacks not yet taken by the control plane (table `task_callbacks`, daemon schema 4): a
 * callback is written here before it is sent and deleted once the control plane accepted it or
 * refused it for good, so a control-plane outage of any length, or a daemon restart, cannot lose
 * the end of a task (control-plane/task-callback-outbox.ts). One row per run: a workspace's task.
 */
import { TaskCallbackRequest } from '@flotilla/contracts';
import type { SqliteDatabase } from './database.js';

export interface PendingTaskCallback {
  /** Row id: the order callbacks were stored in. */
  id: number;
  taskId: string;
  workspaceId: string;
  body: TaskCallbackRequest;
  /** Attempts that failed so far (all runs of the daemon). */
  attempts: number;
  /** Why the last attempt failed, when one did. */
  lastError: string | null;
  createdAt: string;
}

interface Row {
  id: number;
  task_id: string;
  workspace_id: string;
  body: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

/** Synchronous access to `task_callbacks` (better-sqlite3; its errors are thrown as they are). */
export class TaskCallbackStore {
  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Store the callback of `taskId`'s run in `workspaceId` (committed when this returns).
   *
   * @returns the stored row, or undefined when the run already has one (nothing changed).
   */
  insert(taskId: string, workspaceId: string, body: TaskCallbackRequest): PendingTaskCallback | undefined {
    const now = new Date().toISOString();
    const result = this.db
      .prepare(
        `INSERT INTO task_callbacks (task_id, workspace_id, body, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id, task_id) DO NOTHING`,
      )
      .run(taskId, workspaceId, JSON.stringify(body), now, now);
    if (result.changes === 0) return undefined;
    return { id: Number(result.lastInsertRowid), taskId, workspaceId, body, attempts: 0, lastError: null, createdAt: now };
  }

  /**
   * Every stored callback, oldest first. A row whose body no longer parses as a
   * `TaskCallbackRequest` (written by another version) is returned with a `failed` body saying so.
   */
  pending(): PendingTaskCallback[] {
    const rows = this.db.prepare<[], Row>('SELECT * FROM task_callbacks ORDER BY id').all();
    return rows.map((row) => {
      const parsed = TaskCallbackRequest.safeParse(JSON.parse(row.body));
      const body: TaskCallbackRequest = parsed.success ? parsed.data : { status: 'failed', error: 'the node daemon could not read the stored outcome of this task' };
      return { id: row.id, taskId: row.task_id, workspaceId: row.workspace_id, body, attempts: row.attempts, lastError: row.last_error, createdAt: row.created_at };
    });
  }

  /** Count a failed attempt and remember why. */
  recordFailure(id: number, error: string): void {
    this.db
      .prepare('UPDATE task_callbacks SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?')
      .run(error, new Date().toISOString(), id);
  }

  /** Forget a callback: the control plane took it, or refused it for good. */
  delete(id: number): void {
    this.db.prepare('DELETE FROM task_callbacks WHERE id = ?').run(id);
  }
}
