/**
 * The one place task status changes (DESIGN.md §3). Every transition is checked against the
 * contracts' table, applied with compare-and-set on the current status, and recorded in
 * `task_status_events` with actor and reason in the same D1 batch, then announced to the
 * project's viewers (task-events.ts).
 */
import { canTransitionTask, newId, type ExecutionStep, type TaskStatus, type TaskTransitionKind } from '@flotilla/contracts';
import { getTaskRow, updateTaskFieldsStatement, type TaskRunFields } from '../db/tasks-repository.js';
import type { Env } from '../env.js';
import { HttpError, conflict, notFound } from '../lib/errors.js';
import { announceTaskChange } from './task-events.js';

export interface TransitionOptions {
  actor: string;
  reason?: string | null;
  step?: ExecutionStep | null;
  /** Other task columns to set in the same batch. */
  fields?: TaskRunFields;
  /** `retry` for the retry of a failed or cancelled task (the only way out of those); default `move`. */
  kind?: TaskTransitionKind;
}

/** The statement recording one status event. */
export function statusEventStatement(
  db: D1Database,
  taskId: string,
  from: TaskStatus | null,
  to: TaskStatus,
  options: TransitionOptions,
  onlyIfPreviousChanged = false,
): D1PreparedStatement {
  const guard = onlyIfPreviousChanged ? ' WHERE changes() = 1' : '';
  return db
    .prepare(`INSERT INTO task_status_events (id, task_id, from_status, to_status, step, actor, reason, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?${guard}`)
    .bind(newId('evt'), taskId, from, to, options.step ?? null, options.actor, options.reason ?? null, new Date().toISOString());
}

/**
 * Move task `taskId` to `to`.
 * @returns the status it moved from
 * @throws HttpError 404 unknown task; 409 illegal transition (naming both statuses) or a
 *   concurrent change
 */
export async function transitionTask(env: Env, taskId: string, to: TaskStatus, options: TransitionOptions): Promise<TaskStatus> {
  const db = env.DB;
  const row = await getTaskRow(db, taskId);
  if (!row) throw notFound(`task ${taskId} not found`);
  const from = row.status;
  if (!canTransitionTask(from, to, options.kind)) {
    throw conflict(`task ${taskId} cannot go from ${from} to ${to}`);
  }
  const now = new Date().toISOString();
  // One batch (one transaction): the status compare-and-set, then the event only if it applied,
  // then the other fields only if the status is now `to`.
  const [update] = await db.batch([
    db.prepare('UPDATE tasks SET status = ?, updated_at = ? WHERE id = ? AND status = ?').bind(to, now, taskId, from),
    statusEventStatement(db, taskId, from, to, options, true),
    ...(options.fields ? [updateTaskFieldsStatement(db, taskId, options.fields, to)] : []),
  ]);
  if (!update || update.meta.changes !== 1) {
    throw new HttpError('conflict', `task ${taskId} changed status concurrently (expected ${from})`);
  }
  await announceTaskChange(env, taskId);
  return from;
}
