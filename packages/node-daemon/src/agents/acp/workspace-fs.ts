/**
 * The agent's file access through the ACP client (`fs/read_text_file`, `fs/write_text_file`; ACP
 * spec "File System"), confined to the workspace checkout.
 *
 * A path is inside the workspace when its real location is: the nearest existing ancestor is
 * resolved with realpath (following symlinks), the not-yet-existing rest is appended, and the
 * result must lie within the real workspace root. A dangling symlink on the way is refused, since
 * writing through it would land wherever it points.
 *
 * This guards the ACP file methods only. An agent that runs shell commands can still touch other
 * files; isolation from that is the node's job (a VM per node), not this module's.
 */
import { lstat, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The requested path resolves outside the workspace (or through a dangling symlink). */
export class PathOutsideWorkspaceError extends Error {
  constructor(readonly requestedPath: string) {
    super(`path is outside the workspace: ${requestedPath}`);
    this.name = 'PathOutsideWorkspaceError';
  }
}

function isWithin(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR';
}

/**
 * Resolve `requestedPath` (absolute, or relative to the workspace root) to its real location and
 * check that it lies inside `workspaceRoot`.
 *
 * @returns the real absolute path (its missing tail, if any, appended unresolved).
 * @throws PathOutsideWorkspaceError when it lies outside, or passes through a dangling symlink.
 */
export async function resolveInsideWorkspace(workspaceRoot: string, requestedPath: string): Promise<string> {
  const realRoot = await realpath(workspaceRoot);
  const absolute = resolve(workspaceRoot, requestedPath);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      existing = await realpath(existing);
      break;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // realpath fails on a dangling symlink too; lstat tells the two apart.
      const isLink = await lstat(existing).then(
        (stats) => stats.isSymbolicLink(),
        () => false,
      );
      if (isLink) throw new PathOutsideWorkspaceError(requestedPath);
      const parent = dirname(existing);
      if (parent === existing) throw new PathOutsideWorkspaceError(requestedPath);
      missing.unshift(basename(existing));
      existing = parent;
    }
  }
  const real = missing.length > 0 ? join(existing, ...missing) : existing;
  if (!isWithin(realRoot, real)) throw new PathOutsideWorkspaceError(requestedPath);
  return real;
}

/**
 * Read a text file inside the workspace (ACP `fs/read_text_file`).
 *
 * @param line - 1-based first line to return (ACP `line`); omitted/null = from the start.
 * @param limit - most lines to return (ACP `limit`); omitted/null = to the end.
 * @throws PathOutsideWorkspaceError; the fs error (e.g. ENOENT) when the file cannot be read.
 */
export async function readWorkspaceTextFile(
  workspaceRoot: string,
  requestedPath: string,
  line?: number | null,
  limit?: number | null,
): Promise<string> {
  const real = await resolveInsideWorkspace(workspaceRoot, requestedPath);
  const content = await readFile(real, 'utf8');
  if ((line === undefined || line === null) && (limit === undefined || limit === null)) return content;
  const lines = content.split('\n');
  const start = Math.max(0, (line ?? 1) - 1);
  const end = limit === undefined || limit === null ? lines.length : start + Math.max(0, limit);
  return lines.slice(start, end).join('\n');
}

/**
 * Write (create or replace) a text file inside the workspace (ACP `fs/write_text_file`),
 * creating missing parent directories.
 *
 * @throws PathOutsideWorkspaceError; the fs error when the file cannot be written.
 */
export async function writeWorkspaceTextFile(workspaceRoot: string, requestedPath: string, content: string): Promise<void> {
  const real = await resolveInsideWorkspace(workspaceRoot, requestedPath);
  await mkdir(dirname(real), { recursive: true });
  await writeFile(real, content, 'utf8');
}
