/**
 * The node daemon artifact a VM downloads (issue 6, item 7): `GET /api/node-daemon` answers with
 * this manifest; `GET /api/node-daemon/bundle/:version` with the bundle it describes, and
 * `GET /api/node-daemon/lockfile/:version` with the `package-lock.json` of its runtime packages
 * (made when the artifact is built; a VM installs them with `npm ci` from it).
 */
import * as z from 'zod';

const PackageName = z.string().regex(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/, 'an npm package name');
const ExactVersion = z.string().regex(/^\d+\.\d+\.\d+$/, 'an exact version such as 1.2.3');

export const NodeDaemonManifest = z.object({
  /** Daemon release, e.g. `0.1.0` (the monorepo releases control plane and daemon together). */
  version: ExactVersion,
  /** File name of the bundle, `node-daemon.mjs`. */
  file: z.string().min(1),
  /** Lower-case hex SHA-256 of the bundle's bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  /** Size of the bundle in bytes. */
  bytes: z.number().int().positive(),
  /** The lockfile of the runtime packages: its file name, SHA-256 and size, checked by a VM before `npm ci`. */
  lockfile: z.object({
    file: z.literal('package-lock.json'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    bytes: z.number().int().positive(),
  }),
  /** Packages installed next to the bundle (`npm ci` from the lockfile), by exact version. */
  dependencies: z.record(PackageName, ExactVersion),
  /** Packages the daemon runs without when their install fails (node-pty: terminals only). */
  optionalDependencies: z.record(PackageName, ExactVersion).default({}),
});
export type NodeDaemonManifest = z.infer<typeof NodeDaemonManifest>;

/** Where the artifact's files (`manifest.json`, the bundle, the lockfile) sit among the control plane's static assets. */
export const NODE_DAEMON_ASSET_DIR = '_flotilla/node-daemon';
