/**
 * The patch of a task branch, from a real git repository: the change against the merge-base
 * (a commit on the base after the branch started is not in it), whole files only under the limit
 * with the others named, and the cutting of git's output at file boundaries.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSectionStarts, keepWholeFiles, readDiffPatch } from './diff-patch.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const made: string[] = [];
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
});

/** A repository on `main`; `task/t1` changes a.ts and adds b.ts and c.ts; main moves on after. */
function repository(): { path: string; base: string; head: string } {
  const path = mkdtempSync(join(tmpdir(), 'flotilla-diffpatch-'));
  made.push(path);
  git(path, 'init', '-q', '-b', 'main');
  git(path, 'config', 'user.name', 'Test');
  git(path, 'config', 'user.email', 'test@example.com');
  writeFileSync(join(path, 'a.ts'), 'export const a = 1;\n');
  git(path, 'add', '-A');
  git(path, 'commit', '-q', '-m', 'base');
  git(path, 'checkout', '-q', '-b', 'task/t1');
  writeFileSync(join(path, 'a.ts'), 'export const a = 2;\n');
  writeFileSync(join(path, 'b.ts'), `${'// b\n'.repeat(200)}`);
  writeFileSync(join(path, 'c.ts'), 'export const c = 3;\n');
  git(path, 'add', '-A');
  git(path, 'commit', '-q', '-m', 'task');
  const head = git(path, 'rev-parse', 'HEAD');
  git(path, 'checkout', '-q', 'main');
  writeFileSync(join(path, 'later.ts'), 'on main after the branch\n');
  git(path, 'add', '-A');
  git(path, 'commit', '-q', '-m', 'main moves on');
  return { path, base: git(path, 'rev-parse', 'HEAD'), head };
}

describe('readDiffPatch', () => {
  it('reads the whole change against the merge-base', async () => {
    const { path, base, head } = repository();
    const patch = await readDiffPatch({ gitDir: join(path, '.git'), base, head, maxBytes: 1024 * 1024, timeoutMs: 30_000 });
    expect(patch).toMatchObject({ truncated: false, omittedFiles: [], omittedFileCount: 0 });
    expect(patch.patch).toContain('diff --git a/a.ts b/a.ts');
    expect(patch.patch).toContain('-export const a = 1;\n+export const a = 2;');
    expect(patch.patch).toContain('+++ b/c.ts');
    expect(patch.patch).not.toContain('later.ts');
  });

  it('keeps whole files under the limit and names the ones left out', async () => {
    const { path, base, head } = repository();
    const patch = await readDiffPatch({ gitDir: join(path, '.git'), base, head, maxBytes: 400, timeoutMs: 30_000 });
    expect(patch.truncated).toBe(true);
    expect(Buffer.byteLength(patch.patch)).toBeLessThanOrEqual(400);
    expect(patch.patch).toContain('diff --git a/a.ts b/a.ts');
    expect(patch.patch).not.toContain('b/b.ts');
    expect(patch.omittedFiles).toEqual(['b.ts', 'c.ts']);
    expect(patch.omittedFileCount).toBe(2);
  });

  it('keeps nothing when even the first file passes the limit', async () => {
    const { path, base, head } = repository();
    const patch = await readDiffPatch({ gitDir: join(path, '.git'), base, head, maxBytes: 10, timeoutMs: 30_000 });
    expect(patch).toEqual({ patch: '', truncated: true, omittedFiles: ['a.ts', 'b.ts', 'c.ts'], omittedFileCount: 3 });
  });
});

describe('keepWholeFiles', () => {
  const output = Buffer.from('diff --git a/x b/x\n+diff --git inside\n@@\ndiff --git a/y b/y\n+y\n');
  it('finds the file headers at line starts only', () => {
    expect(fileSectionStarts(output)).toEqual([0, output.indexOf('diff --git a/y')]);
  });
  it('never keeps the last section of output that was cut', () => {
    const y = output.indexOf('diff --git a/y');
    expect(keepWholeFiles(output, false, 1000)).toEqual({ kept: output.subarray(0, y), keptFiles: 1 });
    expect(keepWholeFiles(output, true, 1000)).toEqual({ kept: output, keptFiles: 2 });
  });
});
