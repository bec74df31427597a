/**
 * Real git repositories for daemon tests: a bare "origin" with one commit on `main`, the way a
 * user's remote looks to the daemon.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Run git synchronously in `cwd` and return trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * A bare repository whose `main` holds `files` in one commit.
 *
 * @returns the bare repository's absolute path (usable as `repoUrl`).
 */
export function createBareOrigin(files: Record<string, string> = { 'README.md': '# test\n' }): string {
  const base = mkdtempSync(join(tmpdir(), 'flotilla-origin-'));
  const work = join(base, 'work');
  const bare = join(base, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', work]);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(work, name), content);
  git(work, 'add', '-A');
  git(work, '-c', 'user.name=Test', '-c', 'user.email=test@localhost', 'commit', '--quiet', '-m', 'initial');
  execFileSync('git', ['clone', '--quiet', '--bare', work, bare]);
  return bare;
}

/** Content of `path` at `ref` in `repo`, or null when absent. */
export function showFile(repo: string, ref: string, path: string): string | null {
  try {
    return execFileSync('git', ['show', `${ref}:${path}`], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}
