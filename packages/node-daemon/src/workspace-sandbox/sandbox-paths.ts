/**
 * Where a workspace's sandbox keeps its files (DESIGN.md §7): its own HOME and TMPDIR,
 * `<dataDir>/sandboxes/<workspaceId>/{home,tmp}` — created with the workspace, removed with it, so
 * nothing an agent leaves there (settings, hooks, transcripts) reaches the next project's agent —
 * and the directory of its Unix sockets (model gateway, egress proxy) under
 * FLOTILLA_SANDBOX_RUN_DIR, named by a hash of the workspace id to stay short (Unix socket paths
 * are limited to 107 bytes). Every directory is the daemon user's alone (0700).
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface SandboxDirs {
  /** `<dataDir>/sandboxes/<workspaceId>`. */
  root: string;
  /** The agent's HOME. */
  home: string;
  /** The agent's TMPDIR. */
  tmp: string;
}

/** The HOME and TMPDIR of workspace `workspaceId` (the id is checked by the workspace service: no path separators). */
export function sandboxDirs(dataDir: string, workspaceId: string): SandboxDirs {
  const root = join(dataDir, 'sandboxes', workspaceId);
  return { root, home: join(root, 'home'), tmp: join(root, 'tmp') };
}

/** Create the HOME and TMPDIR (and their parent), owner-only; no-op for those that exist. */
export function createSandboxDirs(dirs: SandboxDirs): void {
  for (const dir of [dirs.home, dirs.tmp]) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Remove the HOME and TMPDIR with everything in them. */
export async function removeSandboxDirs(dirs: SandboxDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true });
}

/**
 * The socket directory of workspace `workspaceId` under `runDir`, created owner-only. `runDir`
 * (FLOTILLA_SANDBOX_RUN_DIR, by default in the shared /tmp) is created when missing and must then
 * be a real directory of the daemon's user — not a link, not someone else's — and is made 0700.
 *
 * @throws Error when `runDir` is not a directory the daemon's user owns
 */
export function createSocketDir(runDir: string, workspaceId: string): string {
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(runDir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new Error(`FLOTILLA_SANDBOX_RUN_DIR ${runDir} is not a directory of this user: remove it or choose another`);
  }
  chmodSync(runDir, 0o700);
  const dir = join(runDir, createHash('sha256').update(workspaceId).digest('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
