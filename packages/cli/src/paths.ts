/** Where things are: the repository's packages, and Flotilla's state directory. */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The monorepo root (packages/cli/src → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The control plane's wrangler config. */
export const WRANGLER_CONFIG = join(REPO_ROOT, 'apps/control-plane/wrangler.jsonc');

/** Wrangler's CLI script (run with this Node). */
export function wranglerBin(): string {
  return join(dirname(require.resolve('wrangler/package.json')), 'bin/wrangler.js');
}

/** Command that starts a node daemon. */
export function nodeDaemonCommand(): string[] {
  return [process.execPath, join(dirname(require.resolve('@flotilla/node-daemon/package.json')), 'bin/node-daemon.mjs')];
}

/** Flotilla's state directory: `FLOTILLA_HOME`, default `.flotilla` in the working directory. */
export function flotillaHome(): string {
  return resolve(process.env.FLOTILLA_HOME ?? '.flotilla');
}
