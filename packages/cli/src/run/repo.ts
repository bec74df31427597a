/**
 * What `--repo` names: a local path (the user's own repository: the task branch is pushed back
 * into it) or any git URL. Resolves it to the repoUrl a project stores, and its default branch.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ResolvedRepo {
  repoUrl: string;
  defaultBranch: string;
}

function looksLikeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^/\s]+@[^:\s]+:/.test(value);
}

/**
 * @throws Error when a local path is not a git repository, or the remote cannot be read
 */
export async function resolveRepo(repo: string): Promise<ResolvedRepo> {
  if (looksLikeUrl(repo)) {
    const { stdout } = await execFileAsync('git', ['ls-remote', '--symref', repo, 'HEAD'], { timeout: 60_000 });
    const branch = stdout.match(/^ref: refs\/heads\/(\S+)\s+HEAD/m)?.[1];
    return { repoUrl: repo, defaultBranch: branch ?? 'main' };
  }
  const path = resolve(repo);
  if (!existsSync(path)) throw new Error(`--repo ${repo}: no such directory`);
  try {
    const { stdout: top } = await execFileAsync('git', ['-C', path, 'rev-parse', '--show-toplevel']);
    const { stdout: branch } = await execFileAsync('git', ['-C', path, 'symbolic-ref', '--short', 'HEAD']).catch(() => ({ stdout: 'main' }));
    return { repoUrl: top.trim(), defaultBranch: branch.trim() || 'main' };
  } catch {
    throw new Error(`--repo ${repo} is not a git repository`);
  }
}
