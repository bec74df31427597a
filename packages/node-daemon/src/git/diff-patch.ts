/**
 * The patch of a task's run (issue 16 item 1, review): `git diff` of merge-base(base, head)..head
 * — the same change the diff stat measures (diff-stat.ts), renames detected —, read in the
 * daemon's mirror (hooks and external diff/textconv programs off, DESIGN.md §7) and bounded by
 * DIFF_PATCH_MAX_BYTES: git's output is read as a stream and git is stopped once the limit is
 * passed, so a huge change never sits in memory; the patch keeps whole files only, and names the
 * files it left out.
 */
import { spawn } from 'node:child_process';
import { DIFF_PATCH_OMITTED_FILES_LISTED, type TaskDiffPatch } from '@flotilla/contracts';
import { GitError, runGit } from './git.js';
import { mirrorGitArgs } from './mirror.js';

export interface DiffPatchRequest {
  /** The git directory to read (the workspace's mirror, or any repository's `.git`). */
  gitDir: string;
  /** The commit (or ref) the branch started from. */
  base: string;
  /** The commit whose change is read (the task branch's head). */
  head: string;
  /** Most bytes of patch kept (DIFF_PATCH_MAX_BYTES). */
  maxBytes: number;
  /** Limit of each git command, in ms. */
  timeoutMs: number;
}

const DIFF_OPTIONS = ['diff', '--no-ext-diff', '--no-textconv', '--no-color', '-M'];
const FILE_HEADER = Buffer.from('diff --git ');

/** Byte offsets where a file's section of `git diff` output starts (lines beginning `diff --git `). */
export function fileSectionStarts(output: Buffer): number[] {
  const starts: number[] = [];
  for (let at = 0; at < output.length; ) {
    if (output.subarray(at, at + FILE_HEADER.length).equals(FILE_HEADER)) starts.push(at);
    const newline = output.indexOf(0x0a, at);
    if (newline === -1) break;
    at = newline + 1;
  }
  return starts;
}

/**
 * Keep the whole file sections of `output` that fit in `maxBytes`. `complete` says whether
 * `output` is all of git's output (otherwise its last section may be cut, and is never kept).
 * @returns the bytes kept and how many file sections they hold, of how many seen
 */
export function keepWholeFiles(output: Buffer, complete: boolean, maxBytes: number): { kept: Buffer; keptFiles: number } {
  if (complete && output.length <= maxBytes) return { kept: output, keptFiles: fileSectionStarts(output).length };
  const starts = fileSectionStarts(output);
  let end = 0;
  let keptFiles = 0;
  for (let i = 0; i < starts.length; i += 1) {
    const sectionEnd = starts[i + 1] ?? (complete ? output.length : -1);
    if (sectionEnd === -1 || sectionEnd > maxBytes) break;
    end = sectionEnd;
    keptFiles = i + 1;
  }
  return { kept: output.subarray(0, end), keptFiles };
}

/** Read `git args` stdout up to `limitBytes` (then stop git). @throws GitError on failure or timeout. */
function readGitOutput(args: string[], cwd: string, limitBytes: number, timeoutMs: number): Promise<{ output: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let length = 0;
    let stopped = false;
    let timedOut = false;
    let stderr = '';
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      chunks.push(chunk);
      length += chunk.length;
      if (length > limitBytes) {
        stopped = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GitError(args, null, error.message, false));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (stopped) return resolve({ output: Buffer.concat(chunks), complete: false });
      if (timedOut || code !== 0) return reject(new GitError(args, code, stderr, timedOut));
      resolve({ output: Buffer.concat(chunks), complete: true });
    });
  });
}

/**
 * Read the patch of `head` against merge-base(`base`, `head`), at most `maxBytes` of it.
 *
 * @returns the patch (whole files, in git's order); when it would have passed `maxBytes`,
 *   `truncated` and the paths of the files left out (at most {@link DIFF_PATCH_OMITTED_FILES_LISTED}
 *   named, all counted).
 * @throws GitError when a git command fails or times out (unknown commit, broken repository).
 */
export async function readDiffPatch(request: DiffPatchRequest): Promise<TaskDiffPatch> {
  const options = { cwd: request.gitDir, timeoutMs: request.timeoutMs };
  const mergeBase = (await runGit(mirrorGitArgs(request.gitDir, ['merge-base', request.base, request.head]), options)).trim();
  const { output, complete } = await readGitOutput(mirrorGitArgs(request.gitDir, [...DIFF_OPTIONS, mergeBase, request.head, '--']), request.gitDir, request.maxBytes, request.timeoutMs);
  const { kept, keptFiles } = keepWholeFiles(output, complete, request.maxBytes);
  const patch = kept.toString('utf8');
  if (complete && kept.length === output.length) return { patch, truncated: false, omittedFiles: [], omittedFileCount: 0 };
  // The files left out, by name: git lists them in the order of the patch's sections.
  const names = (await runGit(mirrorGitArgs(request.gitDir, [...DIFF_OPTIONS, '-z', '--name-only', mergeBase, request.head, '--']), options)).split('\0').filter((name) => name.length > 0);
  const omitted = names.slice(keptFiles);
  return { patch, truncated: true, omittedFiles: omitted.slice(0, DIFF_PATCH_OMITTED_FILES_LISTED), omittedFileCount: omitted.length };
}
