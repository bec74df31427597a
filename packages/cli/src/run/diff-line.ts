/**
 * The diff stat line of a finished task (Task.output.diffStat, measured by the node daemon on the
 * pushed branch): `Changes: 3 files, +42 -7 (against main)`, `Changes: none`.
 */
import type { TaskOutput } from '@flotilla/contracts';

/** The line, or null when the task's output has no diff stat (not completed, or an older run). */
export function diffStatLine(output: TaskOutput): string | null {
  const stat = output.diffStat;
  if (!stat) return null;
  if (stat.fileCount === 0) return 'Changes: none';
  const files = `${stat.fileCount} ${stat.fileCount === 1 ? 'file' : 'files'}`;
  return `Changes: ${files}, +${stat.additions} -${stat.deletions}${stat.baseBranch ? ` (against ${stat.baseBranch})` : ''}`;
}
