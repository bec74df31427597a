/** The diff stat in a few words, and the compare command. */
import { describe, expect, it } from 'vitest';
import { compareCommand, shortDiffSummary } from './diff-summary';

const output = { branch: 'task/t1', commitSha: 'abc', prUrl: null, summary: null, filesChanged: ['a', 'b', 'c'], warning: null };
const stat = { baseBranch: 'main', files: [], fileCount: 3, additions: 42, deletions: 7, truncated: false };

describe('shortDiffSummary', () => {
  it('files and lines, "no changes", or the file count of a run measured before diff stats', () => {
    expect(shortDiffSummary({ ...output, diffStat: stat })).toBe('3 files +42 −7');
    expect(shortDiffSummary({ ...output, diffStat: { ...stat, fileCount: 1 } })).toBe('1 file +42 −7');
    expect(shortDiffSummary({ ...output, filesChanged: [], diffStat: { ...stat, fileCount: 0, additions: 0, deletions: 0 } })).toBe('no changes');
    expect(shortDiffSummary({ ...output, diffStat: null })).toBe('3 files');
    expect(shortDiffSummary({ ...output, filesChanged: null, diffStat: null })).toBeNull();
  });
});

describe('compareCommand', () => {
  it('fetches the branch and diffs it from its merge-base with the base branch', () => {
    expect(compareCommand('task/t1', stat)).toBe('git fetch origin task/t1 && git diff main...origin/task/t1');
    expect(compareCommand('task/t1', null)).toBe('git fetch origin task/t1 && git diff origin/HEAD...origin/task/t1');
  });
});
