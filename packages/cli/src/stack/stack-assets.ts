/**
 * The node daemon artifact (issue 6, item 7) in a stack: local nodes run its bundle, and the
 * control plane serves it to VMs among its static assets, composed under `<home>/assets`:
 *
 *     <home>/assets/index.html, assets/…          the web app (web-assets.ts)
 *     <home>/assets/_flotilla/node-daemon/         manifest.json, node-daemon.mjs, package-lock.json
 *
 * The artifact is built with esbuild (daemon-artifact/build-artifact.ts) into
 * packages/node-daemon/dist/artifact when it is missing or older than the sources it is made of —
 * a fraction of a second — once across concurrent stacks. When it cannot be built the stack still
 * starts without it: local nodes run the daemon from its sources, and provisioning a VM fails
 * saying so.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_DAEMON_ASSET_DIR } from '@flotilla/contracts';
import { BUNDLE_FILE, buildDaemonArtifact, DAEMON_PACKAGE_DIR, LOCKFILE_FILE, MANIFEST_FILE } from '../daemon-artifact/build-artifact.js';
import { REPO_ROOT, nodeDaemonCommand } from '../paths.js';
import { isFresh, withBuildLock } from './build-cache.js';
import { ensureWebAssets } from './web-assets.js';

const ARTIFACT_DIR = join(DAEMON_PACKAGE_DIR, 'dist/artifact');
const LOCK_DIR = join(DAEMON_PACKAGE_DIR, '.build-lock');
// What the artifact is made of (the daemon, the contracts and the kit it imports, the locked
// versions of its runtime packages, the VM's package.json) and how (the build).
const SOURCES = [
  join(DAEMON_PACKAGE_DIR, 'src'),
  join(DAEMON_PACKAGE_DIR, 'package.json'),
  join(REPO_ROOT, 'packages/contracts/src'),
  join(REPO_ROOT, 'packages/kit/src'),
  join(REPO_ROOT, 'packages/cloud-init/src'),
  join(REPO_ROOT, 'package-lock.json'),
  join(REPO_ROOT, 'packages/cli/src/daemon-artifact'),
];

const artifactFresh = () => isFresh(join(ARTIFACT_DIR, MANIFEST_FILE), SOURCES);

/**
 * The directory holding the current daemon artifact, built now when needed.
 * @throws Error when esbuild fails
 */
export async function ensureDaemonArtifact(): Promise<string> {
  if (!artifactFresh()) await withBuildLock(LOCK_DIR, async () => (artifactFresh() ? undefined : buildDaemonArtifact(ARTIFACT_DIR)));
  return ARTIFACT_DIR;
}

/**
 * Compose `<home>/assets` (replacing an earlier one) and return its path: the web app, plus the
 * daemon artifact from `artifactDir` when there is one (null: the stack goes on without it).
 */
export async function composeStackAssets(home: string, artifactDir: string | null): Promise<string> {
  const webDir = await ensureWebAssets(home);
  const dir = join(home, 'assets');
  rmSync(dir, { recursive: true, force: true });
  cpSync(webDir, dir, { recursive: true });
  if (artifactDir) {
    const target = join(dir, NODE_DAEMON_ASSET_DIR);
    mkdirSync(target, { recursive: true });
    for (const file of [MANIFEST_FILE, BUNDLE_FILE, LOCKFILE_FILE]) cpSync(join(artifactDir, file), join(target, file));
  }
  return dir;
}

/**
 * The command that starts a local node daemon: the artifact's bundle — what VMs run, and it
 * starts about 3× faster (bench/daemon-start.ts) — or, with `FLOTILLA_NODE_DAEMON=source` or without an
 * artifact, the daemon's TypeScript sources through tsx (TypeScript stack traces).
 */
export function localDaemonCommand(artifactDir: string | null, env: NodeJS.ProcessEnv = process.env): string[] {
  if (artifactDir && env.FLOTILLA_NODE_DAEMON !== 'source') return [process.execPath, join(artifactDir, BUNDLE_FILE)];
  return nodeDaemonCommand();
}
