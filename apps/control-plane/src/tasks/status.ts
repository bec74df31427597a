/**
 * The one place task status changes (DESIGN.md §3). Every transition is checked against the
 * contracts' table (`canTransitionTask`; a retry is its own kind: the only way out of `failed` or
 * `cancelled`), applied with compare-and-set on the current status, and recorded in
 * `task_status_events` with actor and reason in the same D1 batch; the row it wrote is then
 * announced to the project's viewers (tasks/events.ts), without reading it again, and a task that
 * completed or failed is announced to its webhooks and push subscriptions (notifications/notify.ts). The status of a
 * task run on several agents follows its variants (`followVariants`, here too: after every
 * transition of a variant).
 */
import { canTransitionTask, parentTaskStatus, TERMINAL_TASK_STATUSES, type ExecutionStep, type TaskStatus, type TaskTransitionKind } from '@flotilla/contracts';
import { conflict, errorMessage, notFound } from '@flotilla/kit';
import type { Deps } from '../deps.js';
import { afterTaskEnded } from '../triggers/task-ended.js';
import { notifyTaskStatus } from '../notifications/notify.js';
import { announceTask } from './events.js';
import { getTaskRow, listVariantRows, statusEventStatement, updateTaskFieldsStatement, updateTaskStatusStatement, type TaskRow, type TaskRunFields } from './repository.js';

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
  await notifyTaskStatus(deps, written);
  if (written.parent_task_id) await followVariants(deps, written.parent_task_id);
  if (TERMINAL_TASK_STATUSES.includes(written.status)) await afterTaskEnded(deps, written.id);
  return written;
}

/**
 * How many times `followVariants` reads again after losing a compare-and-set to a concurrent
 * variant (each loss means another variant's call is bringing the parent along too).
 */
const FOLLOW_VARIANTS_ATTEMPTS = 3;

/** Statuses in which a task run on several agents follows its variants (before: its own moves; after: it ended). */
const FOLLOWING_STATUSES: readonly TaskStatus[] = ['queued', 'delegated', 'in_progress'];

/** The legal moves from `from` to `to` through `queued → delegated → in_progress` (empty when `to` is not ahead). */
function forwardPath(from: TaskStatus, to: TaskStatus): TaskStatus[] {
  const order: readonly TaskStatus[] = ['queued', 'delegated', 'in_progress'];
  if (from === to) return [];
  if (canTransitionTask(from, to)) return [to];
  if (order.includes(to) && order.indexOf(to) <= order.indexOf(from)) return [];
  const next = order[order.indexOf(from) + 1];
  return next ? [next, ...forwardPath(next, to)] : [];
}

/**
 * Bring the status of task `parentId` (run on several agents) up to its variants' (contracts
 * `parentTaskStatus`): forward only, through legal moves recorded as events by actor
 * `variants`; a parent that failed gets as its error each variant's. Concurrent variants may
 * race here: each move is a compare-and-set, and the loser reads again. Never throws (the
 * variant's own change is already written): a failure is logged, and the next change of a
 * variant catches up.
 */
export async function followVariants(deps: TransitionDeps, parentId: string): Promise<void> {
  try {
    for (let attempt = 0; attempt < FOLLOW_VARIANTS_ATTEMPTS; attempt += 1) {
      const parent = await getTaskRow(deps.db, parentId);
      if (!parent || !FOLLOWING_STATUSES.includes(parent.status)) return;
      const variants = await listVariantRows(deps.db, [parentId]);
      const target = parentTaskStatus(variants.map((variant) => variant.status));
      let current = parent.status;
      let raced = false;
      for (const to of forwardPath(current, target)) {
        const ended = TERMINAL_TASK_STATUSES.includes(to);
        const error = to === 'failed' ? variants.map((v) => `${v.agent_type}: ${v.status === 'failed' ? (v.error ?? 'failed') : v.status}`).join('; ') : null;
        const reason = ended ? `every variant ended (${variants.map((v) => `${v.agent_type} ${v.status}`).join(', ')})` : `a variant is ${to}`;
        const moved = await applyTransition(deps, parentId, current, to, { actor: 'variants', reason, fields: ended ? { error } : undefined });
        if (!moved) {
          raced = true;
          break;
        }
        current = to;
      }
      if (!raced) return;
    }
  } catch (error) {
    deps.log.child({ component: 'task-status' }).warn('parent task did not follow its variants', { taskId: parentId, error: errorMessage(error) });
  }
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
