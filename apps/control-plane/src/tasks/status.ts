/**
 * The one place task status changes (DESIGN.md §3). Every transition is checked against the
 * contracts' table (`canTransitionTask`; a retry is its own kind: the only way out of `failed` or
 * `cancelled`), applied with compare-and-set on the current status, and recorded in
 * `task_status_events` with actor and reason in the same D1 batch; the row it wrote is then
 * announced to the project's viewers (tasks/events.ts), without reading it again.
 */
import { canTransitionTask, type ExecutionStep, type TaskStatus, type TaskTransitionKind } from '@flotilla/contracts';
import { conflict, notFound } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { announceTask } from './events.js';
import { getTaskRow, statusEventStatement, updateTaskFieldsStatement, updateTaskStatusStatement, type TaskRow, type TaskRunFields } from './repository.js';

export interface TransitionOptions {
  actor: string;
  reason?: string | null;
  step?: ExecutionStep | null;
  /** Other task columns to set in the same batch (only if the status changed). */
  fields?: TaskRunFields;
  /** `retry` for the retry of a failed or cancelled task; default `move`. */
  kind?: TaskTransitionKind;
}

export interface Transition {
  /** The status the task moved from. */
  from: TaskStatus;
  /** The task as written. */
  task: TaskRow;
}

type TransitionDeps = Pick<Deps, 'db' | 'stubs' | 'log'>;

/**
 * Move task `taskId` from `from` to `to` if it still is `from` (compare-and-set), recording the
 * event and `options.fields` in the same batch and announcing the row written.
 * @returns the task as written, or null when the task was not `from` (nothing changed)
 * @throws FlotillaError conflict (409) when `from → to` is not a legal transition of its kind
 */
export async function applyTransition(deps: TransitionDeps, taskId: string, from: TaskStatus, to: TaskStatus, options: TransitionOptions): Promise<TaskRow | null> {
  if (!canTransitionTask(from, to, options.kind)) throw conflict(`task ${taskId} cannot go from ${from} to ${to}`);
  const { db } = deps;
  // One batch (one transaction): the status compare-and-set, then the event only if it applied,
  // then the other fields only if the status is now `to`.
  const [status, , withFields] = await db.batch<TaskRow>([
    updateTaskStatusStatement(db, taskId, from, to),
    statusEventStatement(db, taskId, { from, to, actor: options.actor, reason: options.reason, step: options.step }, true),
    ...(options.fields ? [updateTaskFieldsStatement(db, taskId, options.fields, to)] : []),
  ]);
  const moved = status?.results[0];
  if (!moved) return null;
  const written = withFields?.results[0] ?? moved;
  await announceTask(deps, written);
  return written;
}

/**
 * Move task `taskId` to `to` from whatever status it has (read once).
 * @throws FlotillaError not_found (404) for an unknown task; conflict (409) for an illegal
 *   transition (naming both statuses) or a concurrent change
 */
export async function transitionTask(deps: TransitionDeps, taskId: string, to: TaskStatus, options: TransitionOptions): Promise<Transition> {
  const row = await getTaskRow(deps.db, taskId);
  if (!row) throw notFound(`task ${taskId} not found`);
  return transitionTaskFrom(deps, row, to, options);
}

/**
 * Move `task` (as just read) to `to`.
 * @throws FlotillaError conflict (409) for an illegal transition (naming both statuses) or when
 *   the task changed status since it was read
 */
export async function transitionTaskFrom(deps: TransitionDeps, task: TaskRow, to: TaskStatus, options: TransitionOptions): Promise<Transition> {
  const written = await applyTransition(deps, task.id, task.status, to, options);
  if (!written) throw conflict(`task ${task.id} changed status concurrently (expected ${task.status})`);
  return { from: task.status, task: written };
}
