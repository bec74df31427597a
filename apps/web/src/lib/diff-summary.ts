/**
 * A task's diff stat (Task.output.diffStat, measured by the node daemon on the pushed branch) in
 * a few words, for the result card, the board card and the compare command.
 */
import type { DiffStat, DiffStatFile, TaskOutput } from '@flotilla/contracts';

/** `1 file` / `3 files`. */
export function filesWord(count: number): string {
  return `${count} ${count === 1 ? 'file' : 'files'}`;
}

/** `+42 −7` (a real minus sign). */
export function lineCounts(additions: number, deletions: number): string {
  return `+${additions} −${deletions}`;
}

/**
 * The change in a few words: `3 files +42 −7`, or `no changes`; null when it was not measured
 * (a run before diff stats) — then the files named in `filesChanged` are counted, if any.
 */
export function shortDiffSummary(output: TaskOutput): string | null {
  const stat = output.diffStat;
  if (stat) return stat.fileCount === 0 ? 'no changes' : `${filesWord(stat.fileCount)} ${lineCounts(stat.additions, stat.deletions)}`;
  if (output.filesChanged) return output.filesChanged.length === 0 ? 'no changes' : filesWord(output.filesChanged.length);
  return null;
}

/** How many files changed, from the diff stat or else `filesChanged` (0 when neither says). */
export function changedFileCount(output: TaskOutput): number {
  return output.diffStat?.fileCount ?? output.filesChanged?.length ?? 0;
}

/** The one-letter status git uses (A, M, D, R) and its word, for a changed file. */
export function statusLetter(file: DiffStatFile): string {
  return { added: 'A', modified: 'M', deleted: 'D', renamed: 'R' }[file.status];
}

/**
 * `git fetch origin <branch> && git diff <base>...origin/<branch>`: the run's change, seen from
 * the user's own clone (the fetch makes `origin/<branch>`; `...` diffs from the merge-base, as the
 * diff stat does). Without a known base branch, `origin/HEAD` (the remote's default branch).
 */
export function compareCommand(branch: string, stat: Pick<DiffStat, 'baseBranch'> | null | undefined): string {
  const base = stat?.baseBranch ?? 'origin/HEAD';
  return `git fetch origin ${branch} && git diff ${base}...origin/${branch}`;
}
