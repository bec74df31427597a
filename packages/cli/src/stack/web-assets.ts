/**
 * The web app (apps/web) as the control plane's static assets: `flotilla up` and every stack
 * serve `apps/web/dist`, built here first when it is missing or older than its sources (a Vite
 * build takes a couple of seconds). Concurrent stacks (parallel test files) build once: the
 * first takes a lock directory, the others wait for it and then find the build fresh.
 *
 * Without the web app's sources (or when the build fails) a one-page placeholder under the
 * state directory is served instead, saying why, so the API is never held up by the UI.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../paths.js';
import { isFresh, withBuildLock } from './build-cache.js';

const execFileAsync = promisify(execFile);

export const WEB_APP_DIR = join(REPO_ROOT, 'apps/web');
const DIST_DIR = join(WEB_APP_DIR, 'dist');
const LOCK_DIR = join(WEB_APP_DIR, '.build-lock');
const BUILD_TIMEOUT_MS = 120_000;

/** The workspace packages the web app bundles (their sources count as the web app's). */
const BUNDLED_PACKAGES = ['packages/contracts/src', 'packages/api-client/src'];

/** True when `dist/index.html` exists and is newer than every source of the web app, the packages it bundles included. */
export function webAssetsFresh(): boolean {
  return isFresh(join(DIST_DIR, 'index.html'), [
    ...['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(WEB_APP_DIR, p)),
    ...BUNDLED_PACKAGES.map((p) => join(REPO_ROOT, p)),
  ]);
}

async function buildWebApp(): Promise<void> {
  const require = createRequire(join(WEB_APP_DIR, 'package.json'));
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  await execFileAsync(process.execPath, [viteBin, 'build'], { cwd: WEB_APP_DIR, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * The directory to serve as static assets: the web app's build (built now when needed), or a
 * placeholder page under `home` explaining why there is none.
 */
export async function ensureWebAssets(home: string): Promise<string> {
  if (!existsSync(join(WEB_APP_DIR, 'src'))) return existsSync(join(DIST_DIR, 'index.html')) ? DIST_DIR : placeholder(home, 'the web app is not part of this installation');
  try {
    if (!webAssetsFresh()) await withBuildLock(LOCK_DIR, async () => (webAssetsFresh() ? undefined : buildWebApp()));
    return DIST_DIR;
  } catch (error) {
    return placeholder(home, `the web app could not be built: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function placeholder(home: string, reason: string): string {
  const dir = join(home, 'web-placeholder');
  mkdirSync(dir, { recursive: true });
  const text = reason.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Flotilla</title><p>Flotilla's API is up, but ${text}. Run <code>npm run build -w @flotilla/web</code>.</p>\n`);
  return dir;
}
