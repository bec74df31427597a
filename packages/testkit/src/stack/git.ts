/** Real temporary git repositories for tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * A fresh repository with `files` committed on `main` (a user's working repository, not bare).
 * @returns its path
 */
export function createGitRepo(files: Record<string, string> = { 'README.md': '# test repo\n' }, parent?: string): string {
  const path = mkdtempSync(join(parent ?? tmpdir(), 'flotilla-repo-'));
  git(path, 'init', '-q', '-b', 'main');
  git(path, 'config', 'user.name', 'Test User');
  git(path, 'config', 'user.email', 'test@example.com');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(path, name)), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  git(path, 'add', '-A');
  git(path, 'commit', '-q', '-m', 'initial commit');
  return path;
}

/** The file `name` at `ref`, or null when it is not there. */
export function showFile(repo: string, ref: string, name: string): string | null {
  try {
    return execFileSync('git', ['show', `${ref}:${name}`], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}
