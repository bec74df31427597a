/** The daemon's version, from its package.json (reported in `/health` and `nodeReady`). */
import manifest from '../package.json' with { type: 'json' };

export const DAEMON_VERSION: string = manifest.version;
