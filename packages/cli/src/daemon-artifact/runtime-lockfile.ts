/**
 * The lockfile of the daemon's runtime packages (issue 12): shipped in the artifact, so a VM
 * installs exactly these packages with `npm ci` — every version and every tarball's integrity
 * hash fixed, nothing resolved anew at boot. It is made when the artifact is built, from this
 * repository's own package-lock.json (the versions the tests ran) by npm itself:
 * `npm install --package-lock-only --offline` next to the VM's package.json (cloud-init
 * `daemonPackageJson`) prunes the repository's lockfile to what those packages need, downloading
 * nothing. A runtime package the repository's lockfile does not hold fails the build (npm
 * ENOTCACHED): run `npm install` first.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../paths.js';

const execFileAsync = promisify(execFile);

/** Limit of the npm run that makes the lockfile, in ms (it takes about a second, offline). */
export const LOCKFILE_BUILD_TIMEOUT_MS = 60_000;

interface LockEntry {
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** npm settings a parent `npm run` passes down that would point npm elsewhere (its prefix, workspaces). */
const isInheritedNpmSetting = (name: string) => /^npm_/i.test(name) && !/^npm_config_(registry|cache|userconfig)$/i.test(name);

/**
 * Check that `text` is a lockfile `npm ci` can install `packageJson` from, every package pinned by integrity.
 * @throws Error saying what is wrong
 */
export function checkRuntimeLockfile(text: string, packageJson: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }): void {
  const lock = JSON.parse(text) as { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  if (lock.lockfileVersion !== 3 || !lock.packages) throw new Error('the runtime lockfile is not a lockfileVersion 3 package-lock.json');
  const { '': root, ...entries } = lock.packages;
  const same = (a: Record<string, string> = {}, b: Record<string, string> = {}) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  if (!root || !same(root.dependencies, packageJson.dependencies) || !same(root.optionalDependencies, packageJson.optionalDependencies)) {
    throw new Error("the runtime lockfile's root does not match the daemon's runtime packages");
  }
  const unpinned = Object.entries(entries).filter(([, entry]) => entry.link || !entry.integrity || !entry.version).map(([path]) => path);
  if (unpinned.length > 0) throw new Error(`the runtime lockfile has packages without a version and integrity: ${unpinned.join(', ')}`);
  for (const name of Object.keys({ ...packageJson.dependencies, ...packageJson.optionalDependencies })) {
    if (!entries[`node_modules/${name}`]) throw new Error(`the runtime lockfile lacks ${name}`);
  }
}

/**
 * Drop the optional dependencies a lockfile's packages declare but the lockfile holds nowhere:
 * packages for other platforms that are not on the registry at all (Qwen Code 0.24.4 declares six
 * `@teddyzhu/clipboard-*` packages of which only some were published). npm pruning offline keeps
 * those edges, and `npm ci` then refuses the lockfile ("Missing: … from lock file"); npm would skip
 * them anyway, being optional and unresolvable.
 * @returns the paths and names dropped, for the caller to log or test
 */
export function dropUnlockedOptionalEdges(lock: { packages?: Record<string, LockEntry> }): string[] {
  const packages = lock.packages ?? {};
  const locked = new Set(Object.keys(packages).filter(Boolean).map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)));
  const dropped: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (!path || !entry.optionalDependencies) continue;
    for (const name of Object.keys(entry.optionalDependencies)) {
      if (locked.has(name)) continue;
      delete entry.optionalDependencies[name];
      dropped.push(`${path} -> ${name}`);
    }
  }
  return dropped;
}

/**
 * Make the `package-lock.json` of `packageJson` (the VM's package.json) from the repository's lockfile.
 * @returns its text, as npm wrote it, without optional edges to packages it does not hold
 *   ({@link dropUnlockedOptionalEdges})
 * @throws Error when npm fails (e.g. ENOTCACHED: a package the repository's lockfile lacks) or
 *   the result does not pin every package ({@link checkRuntimeLockfile})
 */
export async function buildRuntimeLockfile(packageJson: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-runtime-lock-'));
  try {
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    copyFileSync(join(REPO_ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !isInheritedNpmSetting(name)));
    const args = ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', dir];
    await execFileAsync('npm', args, { cwd: dir, env, timeout: LOCKFILE_BUILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }).catch((error: unknown) => {
      const output = error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr).trim() : String(error);
      throw new Error(`npm could not make the runtime lockfile from the repository's package-lock.json (run npm install first?): ${output}`);
    });
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages?: Record<string, LockEntry> };
    dropUnlockedOptionalEdges(lock);
    const text = `${JSON.stringify(lock, null, 2)}\n`;
    checkRuntimeLockfile(text, packageJson);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
