/**
 * Reading and writing files under an agent's HOME on the daemon's behalf, where the agent (which
 * is untrusted, DESIGN.md §7) may have laid traps: every path is relative to HOME with plain
 * segments only (contracts `HomeRelativePath`), every directory on the way is checked with lstat
 * (a symlink anywhere is refused), the file itself is opened with O_NOFOLLOW (and O_NONBLOCK, so
 * a FIFO cannot block), must be a regular file, and — checked on the open descriptor, through
 * /proc/self/fd — must really lie inside HOME (a directory swapped for a symlink meanwhile is caught).
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HomeRelativePath } from '@flotilla/contracts';

/** A file under HOME that is not a plain file of it (a symlink, a FIFO, a path leading out). */
export class UnsafeHomeFileError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'UnsafeHomeFileError';
  }
}

/** A file is larger than the room left for it. */
export class HomeFileTooLargeError extends Error {
  constructor(path: string, bytes: number, roomBytes: number) {
    super(`${path} is ${bytes} bytes, more than the ${roomBytes} bytes left for it`);
    this.name = 'HomeFileTooLargeError';
  }
}

/** The segments of `path` when it is a safe HOME-relative path. @throws UnsafeHomeFileError otherwise */
function segmentsOf(path: string): string[] {
  if (!HomeRelativePath.safeParse(path).success) throw new UnsafeHomeFileError(path, 'not a plain path relative to HOME');
  return path.split('/');
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Check the directories leading to `segments`' last one (relative to `home`): each a real
 * directory, no symlink. With `create`, a missing one is made (owner-only).
 * @returns false when one is missing (and not created)
 * @throws UnsafeHomeFileError for a symlink or a non-directory on the way
 */
async function checkParents(home: string, segments: string[], create: boolean): Promise<boolean> {
  let dir = home;
  for (const segment of segments.slice(0, -1)) {
    dir = join(dir, segment);
    try {
      const stats = await lstat(dir);
      if (stats.isSymbolicLink() || !stats.isDirectory()) throw new UnsafeHomeFileError(dir, 'a directory on the way is a symlink or not a directory');
    } catch (error) {
      if (!isMissing(error)) throw error;
      if (!create) return false;
      await mkdir(dir, { mode: 0o700 });
    }
  }
  return true;
}

/** @throws UnsafeHomeFileError when the open file does not lie inside `realHome` (Linux: /proc/self/fd; elsewhere not checked) */
async function checkInside(handle: FileHandle, realHome: string, path: string): Promise<void> {
  let where: string;
  try {
    where = await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return;
  }
  if (!where.startsWith(`${realHome}/`)) throw new UnsafeHomeFileError(path, 'it lies outside HOME');
}

/**
 * The bytes of `path` under `home`, when it is a regular file inside HOME.
 * @param roomBytes most bytes it may have
 * @returns null when it does not exist
 * @throws UnsafeHomeFileError (a symlink, not a regular file, outside HOME); HomeFileTooLargeError
 */
export async function readHomeFile(home: string, path: string, roomBytes: number): Promise<Buffer | null> {
  const segments = segmentsOf(path);
  const realHome = await realpath(home);
  if (!(await checkParents(realHome, segments, false))) return null;
  let handle: FileHandle;
  try {
    handle = await open(join(realHome, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isMissing(error)) return null;
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeHomeFileError(path, 'it is a symlink');
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UnsafeHomeFileError(path, 'not a regular file');
    await checkInside(handle, realHome, path);
    if (stats.size > roomBytes) throw new HomeFileTooLargeError(path, stats.size, roomBytes);
    // Exactly the size seen: a file that grows meanwhile is cut there.
    const bytes = Buffer.alloc(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * The names of the real subdirectories (no symlinks) of directory `dir` under `home`, at most `max`.
 * @returns [] when it does not exist
 * @throws UnsafeHomeFileError when it or a directory on the way is a symlink
 */
export async function listHomeSubdirs(home: string, dir: string, max: number): Promise<string[]> {
  const segments = segmentsOf(dir);
  const realHome = await realpath(home);
  if (!(await checkParents(realHome, [...segments, 'x'], false))) return [];
  const entries = await readdir(join(realHome, dir), { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && HomeRelativePath.safeParse(entry.name).success)
    .slice(0, max)
    .map((entry) => entry.name);
}

/**
 * Write `bytes` to `path` under `home` (owner-only), making the directories on the way; an
 * existing entry at `path` (a file, or a symlink the agent planted) is removed first, never followed.
 * The file is created with O_EXCL: should the agent swap a checked directory for a symlink in the
 * instant between the checks and the open, the worst left behind is a new empty file where the
 * symlink led (never an existing file changed), and nothing is written to it.
 * @throws UnsafeHomeFileError for a symlink or a non-directory on the way, or a file that would lie outside HOME
 */
export async function writeHomeFile(home: string, path: string, bytes: Uint8Array): Promise<void> {
  const segments = segmentsOf(path);
  const realHome = await realpath(home);
  await checkParents(realHome, segments, true);
  const target = join(realHome, path);
  try {
    await unlink(target);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await checkInside(handle, realHome, path);
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
}
