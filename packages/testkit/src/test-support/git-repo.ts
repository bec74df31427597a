import { execFileSync } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs git with a fixed identity in `cwd`; returns stdout. */
function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Flotilla Test', '-c', 'user.email=test@flotilla.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

/**
 * Creates a git repository in a new temp directory with one commit, optionally holding a copy of
 * `sourceDir`.
 *
 * @param sourceDir directory whose content becomes the first commit (default: empty commit)
 * @returns the absolute path of the repository
 */
export async function createTempGitRepo(sourceDir?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-repo-'));
  if (sourceDir) await cp(sourceDir, dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--allow-empty', '-m', 'initial']);
  return dir;
}
