/**
 * `npm` on a fake VM (test-only): `npm ci [flags…]` in a directory with a package.json and a
 * package-lock.json, as the real one does it, against the fake registry (fake-registry.ts: this
 * repository's installed packages, found from FLOTILLA_FAKE_NPM_FROM):
 * - no lockfile, or a lockfile whose root does not list exactly package.json's dependencies and
 *   optionalDependencies, fails (npm's "can only install … in sync");
 * - every package the lockfile lists for this platform is "downloaded" (its installed copy
 *   linked at its place, top-level ones into node_modules) only when the registry has exactly
 *   that version (else 404/ETARGET) with exactly that integrity hash (else EINTEGRITY);
 * - a package FLOTILLA_FAKE_NPM_UNAVAILABLE (comma list) names fails to install, as a native
 *   build can; a failed optional package (`optional` in the lockfile) is skipped with npm's
 *   warning, any other failure fails the install; packages for other platforms are skipped.
 * Everything else exits 1.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { fitsThisPlatform, loadFakeRegistry, packageNameOf, type LockEntry } from './fake-registry.js';

function fail(message: string): never {
  process.stderr.write(`npm error ${message}\n`);
  process.exit(1);
}

const [command, ...rest] = process.argv.slice(2);
if (command !== 'ci') fail(`the fake registry only supports "npm ci", not "npm ${process.argv.slice(2).join(' ')}"`);
if (rest.some((arg) => !arg.startsWith('-'))) fail('npm ci takes no package names');
const from = process.env.FLOTILLA_FAKE_NPM_FROM;
if (!from) fail('FLOTILLA_FAKE_NPM_FROM is not set');
if (!existsSync('package-lock.json')) fail('The `npm ci` command can only install with an existing package-lock.json');

type Deps = Record<string, string> | undefined;
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Deps; optionalDependencies?: Deps };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages?: Record<string, LockEntry & { dependencies?: Deps; optionalDependencies?: Deps }> };
const root = lock.packages?.[''];
const same = (a: Deps, b: Deps) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
if (!root || !same(root.dependencies, manifest.dependencies) || !same(root.optionalDependencies, manifest.optionalDependencies)) {
  fail('`npm ci` can only install packages when your package.json and package-lock.json are in sync');
}

const registry = loadFakeRegistry(from);
const unavailable = new Set((process.env.FLOTILLA_FAKE_NPM_UNAVAILABLE ?? '').split(',').filter(Boolean));

/** Why `path` (a lockfile entry) cannot be installed, or null once it is. */
function install(path: string, entry: LockEntry): string | null {
  const name = packageNameOf(path);
  const wanted = `${name}@${entry.version ?? '?'}`;
  if (unavailable.has(name)) return `${wanted}: install script failed (gyp ERR! build error)`;
  const served = registry.get(wanted);
  if (!served) return `404 Not Found - ${wanted} is not in this registry`;
  if (served.integrity !== entry.integrity) return `EINTEGRITY ${wanted}: integrity checksum failed: wanted ${entry.integrity ?? '(none)'} but got ${served.integrity ?? '(none)'}`;
  if (!existsSync(served.dir)) return `${wanted}: the fake registry has no copy installed`;
  // Nested entries live inside their top-level parent's copy; only top-level ones are linked.
  if (path.indexOf('node_modules/') !== path.lastIndexOf('node_modules/')) return null;
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { recursive: true, force: true });
  symlinkSync(served.dir, path, 'dir');
  return null;
}

rmSync('node_modules', { recursive: true, force: true });
let added = 0;
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || !fitsThisPlatform(entry)) continue;
  const problem = install(path, entry);
  if (problem === null) added += 1;
  else if (entry.optional) {
    rmSync(path, { recursive: true, force: true });
    process.stderr.write(`npm warn optional SKIPPING OPTIONAL DEPENDENCY: ${problem}\n`);
  } else fail(problem);
}
process.stdout.write(`added ${added} packages\n`);
