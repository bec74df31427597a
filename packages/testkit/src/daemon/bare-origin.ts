/**
 * Real git repositories for daemon tests: a bare "origin" with one commit on `main`, the way a
 * user's remote looks to the daemon — made from the stack helpers' repository (stack/git.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitRepo } from '../stack/git.js';

export { git, showFile } from '../stack/git.js';

/**
 * A bare repository whose `main` holds `files` in one commit.
 *
 * @returns the bare repository's absolute path (usable as `repoUrl`).
 */
export function createBareOrigin(files: Record<string, string> = { 'README.md': '# test\n' }): string {
  const bare = join(mkdtempSync(join(tmpdir(), 'flotilla-origin-')), 'origin.git');
  execFileSync('git', ['clone', '--quiet', '--bare', createGitRepo(files), bare]);
  return bare;
}
