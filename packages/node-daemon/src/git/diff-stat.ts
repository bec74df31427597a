/**
 * What a task's run changed, measured with git on the commit it pushes (issue 17, the result
 * card): `git diff --numstat` and `--name-status` (renames detected) of merge-base(base, head)..head,
 * run in the daemon's mirror (hooks and external diff/textconv programs off, DESIGN.md §7). Because
 * it comes from git, it counts changes made by any means — an edit tool, `sed`, a script.
 */
import type { DiffFileStatus, DiffStat, DiffStatFile } from '@flotilla/contracts';
import { runGit } from './git.js';
import { mirrorGitArgs } from './mirror.js';

export { DEFAULT_DIFF_STAT_MAX_FILES } from './diff-stat-defaults.js';

export interface DiffStatRequest {
  /** The git directory to read (the workspace's mirror, or any repository's `.git`). */
  gitDir: string;
  /** The commit (or ref) the branch started from. */
  base: string;
  /** The commit whose change is measured (the task branch's head). */
  head: string;
  /** The branch `base` belongs to, reported as `baseBranch` (null when unknown). */
  baseBranch: string | null;
  /** Most files listed in `files`; the others are counted in the totals only. */
  maxFiles: number;
  /** Limit of each git command, in ms. */
  timeoutMs: number;
}

/** The diff stat of nothing changed on `baseBranch`. */
export function emptyDiffStat(baseBranch: string | null): DiffStat {
  return { baseBranch, files: [], fileCount: 0, additions: 0, deletions: 0, truncated: false };
}

const STATUS_WORDS: Record<string, DiffFileStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'modified' };

/** Entries of `git diff --name-status -z`: `X\0path\0`, or `R100\0old\0new\0` for a rename or copy. */
export function parseNameStatus(output: string): { status: DiffFileStatus; path: string; oldPath?: string }[] {
  const fields = output.split('\0');
  const entries: { status: DiffFileStatus; path: string; oldPath?: string }[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i] ?? '';
    if (code === '') break;
    const letter = code[0] ?? 'M';
    const status = STATUS_WORDS[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      const oldPath = fields[i + 1] ?? '';
      const path = fields[i + 2] ?? '';
      entries.push(letter === 'R' ? { status, path, oldPath } : { status, path });
      i += 3;
    } else {
      entries.push({ status, path: fields[i + 1] ?? '' });
      i += 2;
    }
  }
  return entries;
}

/**
 * Entries of `git diff --numstat -z`: `add\tdel\tpath\0`, or `add\tdel\t\0old\0new\0` for a
 * rename; `-\t-\t` for a binary file (null counts). Keyed by the (new) path.
 */
export function parseNumstat(output: string): Map<string, { additions: number | null; deletions: number | null }> {
  const fields = output.split('\0');
  const counts = new Map<string, { additions: number | null; deletions: number | null }>();
  for (let i = 0; i < fields.length; ) {
    const field = fields[i] ?? '';
    if (field === '') break;
    const [added = '-', deleted = '-', ...rest] = field.split('\t');
    const inlinePath = rest.join('\t');
    const count = (text: string): number | null => (text === '-' ? null : Number.parseInt(text, 10));
    if (inlinePath === '') {
      counts.set(fields[i + 2] ?? '', { additions: count(added), deletions: count(deleted) });
      i += 3;
    } else {
      counts.set(inlinePath, { additions: count(added), deletions: count(deleted) });
      i += 1;
    }
  }
  return counts;
}

/**
 * Measure the change of `head` against merge-base(`base`, `head`).
 *
 * @returns the diff stat: every changed file in git's order (at most `maxFiles` listed), line
 *   totals over all of them (binary files count no lines).
 * @throws GitError when a git command fails or times out (unknown commit, broken repository).
 */
export async function computeDiffStat(request: DiffStatRequest): Promise<DiffStat> {
  const options = { cwd: request.gitDir, timeoutMs: request.timeoutMs };
  const inRepository = (args: string[]) => runGit(mirrorGitArgs(request.gitDir, args), options);
  const mergeBase = (await inRepository(['merge-base', request.base, request.head])).trim();
  const diff = ['diff', '--no-ext-diff', '--no-textconv', '-M', '-z'];
  const [nameStatus, numstat] = await Promise.all([
    inRepository([...diff, '--name-status', mergeBase, request.head, '--']),
    inRepository([...diff, '--numstat', mergeBase, request.head, '--']),
  ]);
  const counts = parseNumstat(numstat);
  const all: DiffStatFile[] = parseNameStatus(nameStatus).map((entry) => {
    const count = counts.get(entry.path) ?? { additions: null, deletions: null };
    return { ...entry, additions: count.additions, deletions: count.deletions };
  });
  return {
    baseBranch: request.baseBranch,
    files: all.slice(0, Math.max(0, request.maxFiles)),
    fileCount: all.length,
    additions: all.reduce((sum, file) => sum + (file.additions ?? 0), 0),
    deletions: all.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
    truncated: all.length > request.maxFiles,
  };
}
