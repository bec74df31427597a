/**
 * Flotilla's state directory (`.flotilla`, or FLOTILLA_HOME) is private to the user who runs the
 * CLI: mode 0700, made so again when it already exists. It holds secrets.env and server.json
 * (each 0600 too), the control plane's D1 (encrypted credentials, the signing key), every local
 * node's token file and workspaces, and the logs.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Mode of the state directory: owner only. */
export const STATE_DIR_MODE = 0o700;

/**
 * Create the state directory `home` (and missing parents) and set its mode to 0700.
 * @returns its absolute path
 * @throws Error from the file system (e.g. EACCES, or a file in the way)
 */
export function ensureStateDir(home: string): string {
  const dir = resolve(home);
  mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
  chmodSync(dir, STATE_DIR_MODE);
  return dir;
}
