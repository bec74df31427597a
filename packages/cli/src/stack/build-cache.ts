/**
 * Helpers for things the stack builds from this repository's sources on demand (the web app,
 * the node daemon artifact): is a build older than its sources, and one build at a time across
 * processes (parallel test files start stacks at once).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A lock older than this is left over from a build that died; it is taken over. */
const LOCK_STALE_MS = 120_000;

/** Newest modification time (ms) of a file or of any file below a directory; 0 when missing. */
export function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** True when `built` exists and is at least as new as every path in `sources`. */
export function isFresh(built: string, sources: string[]): boolean {
  if (!existsSync(built)) return false;
  return statSync(built).mtimeMs >= Math.max(...sources.map(newestMtimeMs));
}

/** Run `fn` holding the lock directory `lockDir` (created to take it, removed after). */
export async function withBuildLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const age = existsSync(lockDir) ? Date.now() - statSync(lockDir).mtimeMs : 0;
      if (age > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
