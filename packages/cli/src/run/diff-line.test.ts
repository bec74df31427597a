/** diffStatLine: files and +/- of a finished task, "none", or nothing without a diff stat. */
import { describe, expect, it } from 'vitest';
import { diffStatLine } from './diff-line.js';

const output = { branch: 'task/t1', commitSha: 'abc', prUrl: null, summary: null, filesChanged: ['a'], warning: null };

describe('diffStatLine', () => {
  it('counts files and lines against the base branch', () => {
    const diffStat = { baseBranch: 'main', files: [], fileCount: 3, additions: 42, deletions: 7, truncated: false };
    expect(diffStatLine({ ...output, diffStat })).toBe('Changes: 3 files, +42 -7 (against main)');
    expect(diffStatLine({ ...output, diffStat: { ...diffStat, fileCount: 1, baseBranch: null } })).toBe('Changes: 1 file, +42 -7');
  });
  it('says none when nothing changed, and nothing when there is no diff stat', () => {
    expect(diffStatLine({ ...output, diffStat: { baseBranch: 'main', files: [], fileCount: 0, additions: 0, deletions: 0, truncated: false } })).toBe('Changes: none');
    expect(diffStatLine({ ...output, diffStat: null })).toBeNull();
    expect(diffStatLine(output)).toBeNull();
  });
});
