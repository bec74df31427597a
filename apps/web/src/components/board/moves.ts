/**
 * Which board moves are legal (issue 17, item 8), a pure table used by drag and drop and by the
 * card's move buttons: a draft dropped on Ready is marked ready (`markTaskReady`); a draft or
 * ready task dropped on Queued or Running is run (`runTask`); a failed or cancelled task dropped
 * on Ready, Queued or Running is retried (`retryTask`, which starts a new run). Everything else is
 * refused: the column does not light up and nothing changes. The control plane's transition
 * table (contracts `canTransitionTask`) stays the authority; this only picks the action.
 */
import type { TaskStatus } from '@flotilla/contracts';

/** The API action a legal move calls. */
export type BoardMove = 'markReady' | 'run' | 'retry';

const RUN_TARGETS: readonly TaskStatus[] = ['queued', 'in_progress'];
const RETRY_TARGETS: readonly TaskStatus[] = ['ready', 'queued', 'in_progress'];

/**
 * The action of dropping a card of status `from` on the column of status `to`, or null when the
 * move is not allowed (same column, a running or finished task, a backwards move).
 */
export function boardMove(from: TaskStatus, to: TaskStatus): BoardMove | null {
  if (from === to) return null;
  if (from === 'draft' && to === 'ready') return 'markReady';
  if ((from === 'draft' || from === 'ready') && RUN_TARGETS.includes(to)) return 'run';
  if ((from === 'failed' || from === 'cancelled') && RETRY_TARGETS.includes(to)) return 'retry';
  return null;
}

/** Columns a card of status `from` may be dropped on (for highlighting and for tests). */
export function dropTargets(from: TaskStatus, columns: readonly TaskStatus[]): TaskStatus[] {
  return columns.filter((to) => boardMove(from, to) !== null);
}
