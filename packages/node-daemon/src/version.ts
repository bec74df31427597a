/** The daemon's version, from its package.json (reported in `/health` and `nodeReady`). */
import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

export const DAEMON_VERSION: string = manifest.version;
