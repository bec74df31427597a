/**
 * The diff stat of a task branch, from a real git repository: lines changed by `sed` run through a
 * shell (not an edit tool), an added, a deleted, a renamed and a binary file, the merge-base when
 * the base moved on, and the file limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeDiffStat, emptyDiffStat, parseNameStatus, parseNumstat } from './diff-stat.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A repository on `main` with a few files committed; `task/t1` checked out from it. */
function repository(): { path: string; base: string } {
  const path = mkdtempSync(join(tmpdir(), 'flotilla-diffstat-'));
  git(path, 'init', '-q', '-b', 'main');
  git(path, 'config', 'user.name', 'Test');
  git(path, 'config', 'user.email', 'test@example.com');
  writeFileSync(join(path, 'notes.txt'), 'alpha\nbeta\ngamma\n');
  writeFileSync(join(path, 'gone.txt'), 'one\ntwo\n');
  writeFileSync(join(path, 'old-name.md'), 'a file that will be renamed\nwith two lines\n');
  git(path, 'add', '-A');
  git(path, 'commit', '-q', '-m', 'base');
  const base = git(path, 'rev-parse', 'HEAD');
  git(path, 'checkout', '-q', '-b', 'task/t1');
  return { path, base };
}

const stat = (path: string, base: string, maxFiles = 300) =>
  computeDiffStat({ gitDir: join(path, '.git'), base, head: git(path, 'rev-parse', 'HEAD'), baseBranch: 'main', maxFiles, timeoutMs: 30_000 });

describe('computeDiffStat', () => {
  it('measures every change on the branch, however it was made: sed through a shell, delete, rename, binary', async () => {
    const { path, base } = repository();
    try {
      execFileSync('sh', ['-c', "sed -i 's/beta/BETA/' notes.txt && printf 'delta\\n' >> notes.txt"], { cwd: path });
      git(path, 'rm', '-q', 'gone.txt');
      git(path, 'mv', 'old-name.md', 'new-name.md');
      writeFileSync(join(path, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0xff, 0x00]));
      writeFileSync(join(path, 'src.ts'), 'export const x = 1;\n');
      git(path, 'add', '-A');
      git(path, 'commit', '-q', '-m', 'task');

      const result = await stat(path, base);
      expect(result.baseBranch).toBe('main');
      expect(result.truncated).toBe(false);
      expect(result.fileCount).toBe(5);
      const byPath = new Map(result.files.map((file) => [file.path, file]));
      expect(byPath.get('notes.txt')).toEqual({ path: 'notes.txt', status: 'modified', additions: 2, deletions: 1 });
      expect(byPath.get('gone.txt')).toEqual({ path: 'gone.txt', status: 'deleted', additions: 0, deletions: 2 });
      expect(byPath.get('new-name.md')).toEqual({ path: 'new-name.md', oldPath: 'old-name.md', status: 'renamed', additions: 0, deletions: 0 });
      expect(byPath.get('image.png')).toEqual({ path: 'image.png', status: 'added', additions: null, deletions: null });
      expect(byPath.get('src.ts')).toEqual({ path: 'src.ts', status: 'added', additions: 1, deletions: 0 });
      expect(result.additions).toBe(3);
      expect(result.deletions).toBe(3);
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('measures against the merge-base, so commits added to the base branch meanwhile do not count', async () => {
    const { path, base } = repository();
    try {
      writeFileSync(join(path, 'feature.txt'), 'x\n');
      git(path, 'add', '-A');
      git(path, 'commit', '-q', '-m', 'task');
      git(path, 'checkout', '-q', 'main');
      writeFileSync(join(path, 'unrelated.txt'), 'y\ny\n');
      git(path, 'add', '-A');
      git(path, 'commit', '-q', '-m', 'moved on');
      const result = await computeDiffStat({ gitDir: join(path, '.git'), base: 'main', head: git(path, 'rev-parse', 'task/t1'), baseBranch: 'main', maxFiles: 300, timeoutMs: 30_000 });
      expect(result.files.map((file) => file.path)).toEqual(['feature.txt']);
      expect(result.files).toHaveLength(1);
      expect(base).not.toBe(git(path, 'rev-parse', 'main'));
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('lists at most maxFiles files and counts the rest in the totals', async () => {
    const { path, base } = repository();
    try {
      for (let i = 0; i < 5; i += 1) writeFileSync(join(path, `f${i}.txt`), 'line\nline\n');
      git(path, 'add', '-A');
      git(path, 'commit', '-q', '-m', 'many');
      const result = await stat(path, base, 2);
      expect(result.files).toHaveLength(2);
      expect(result.fileCount).toBe(5);
      expect(result.additions).toBe(10);
      expect(result.truncated).toBe(true);
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('is empty when nothing changed', () => {
    expect(emptyDiffStat('main')).toEqual({ baseBranch: 'main', files: [], fileCount: 0, additions: 0, deletions: 0, truncated: false });
  });
});

describe('the -z parsers', () => {
  it('read paths with tabs, spaces and newlines as git wrote them', () => {
    expect(parseNameStatus('M\0a\tb.txt\0R087\0old\tname\0new\nname\0D\0x\0')).toEqual([
      { status: 'modified', path: 'a\tb.txt' },
      { status: 'renamed', path: 'new\nname', oldPath: 'old\tname' },
      { status: 'deleted', path: 'x' },
    ]);
    const counts = parseNumstat('1\t2\ta\tb.txt\x000\t0\t\0old\tname\0new\nname\0-\t-\tpic.png\0');
    expect(counts.get('a\tb.txt')).toEqual({ additions: 1, deletions: 2 });
    expect(counts.get('new\nname')).toEqual({ additions: 0, deletions: 0 });
    expect(counts.get('pic.png')).toEqual({ additions: null, deletions: null });
  });
});
