/**
 * The lines a selection of a file's diff covers, for a review comment: the changes between the
 * anchor and the focus (in the order the diff shows them), and their line numbers — in the new
 * version, or in the old one when only removed lines were selected.
 */
import { computeNewLineNumber, computeOldLineNumber, getChangeKey, isDelete, type ChangeData, type HunkData } from 'react-diff-view';
import type { ReviewSide } from '../../lib/review';

/** A selection in one file: the change clicked first and the one clicked last (shift-click). */
export interface LineSelection {
  path: string;
  anchorKey: string;
  focusKey: string;
}

/** Every change of `hunks`, in diff order. */
export function changesOf(hunks: readonly HunkData[]): ChangeData[] {
  return hunks.flatMap((hunk) => hunk.changes);
}

/** The keys of the changes from anchor to focus, either way round; empty when one is not in `changes`. */
export function selectedKeys(changes: readonly ChangeData[], selection: Pick<LineSelection, 'anchorKey' | 'focusKey'>): string[] {
  const keys = changes.map((change) => getChangeKey(change));
  const a = keys.indexOf(selection.anchorKey);
  const b = keys.indexOf(selection.focusKey);
  if (a === -1 || b === -1) return [];
  return keys.slice(Math.min(a, b), Math.max(a, b) + 1);
}

/** The side and line range of `selected` changes. @throws Error when `selected` is empty */
export function linesOf(selected: readonly ChangeData[]): { side: ReviewSide; startLine: number; endLine: number } {
  if (selected.length === 0) throw new Error('no line selected');
  const kept = selected.filter((change) => !isDelete(change));
  const side: ReviewSide = kept.length > 0 ? 'new' : 'old';
  const lines = side === 'new' ? kept.map(computeNewLineNumber) : selected.map(computeOldLineNumber);
  return { side, startLine: Math.min(...lines), endLine: Math.max(...lines) };
}
