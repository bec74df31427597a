/**
 * `npm` on a fake VM (test-only): the npm registry is the outside world, so `npm install` in a
 * directory with a package.json "downloads" each dependency by linking the copy already installed
 * for this repository (found from FLOTILLA_FAKE_NPM_FROM, a directory, walking up its
 * node_modules as Node does). Only an exact version match counts, as the registry would serve
 * exactly that version; anything else fails the install the way a missing version would.
 * FLOTILLA_FAKE_NPM_UNAVAILABLE (comma list) names packages whose install fails, as a native
 * build can: a failed `optionalDependencies` entry is skipped with a warning (as npm does), a
 * failed `dependencies` entry fails the install.
 * Supported: `npm install [flags…]` with no package arguments. Everything else exits 1.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function fail(message: string): never {
  process.stderr.write(`npm error ${message}\n`);
  process.exit(1);
}

/** The installed copy of `name` visible from `from`, as Node's resolution would find it. */
function findInstalled(from: string, name: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command !== 'install' && command !== 'i') fail(`the fake registry only supports "npm install", not "${process.argv.slice(2).join(' ')}"`);
if (rest.some((arg) => !arg.startsWith('-'))) fail('the fake registry installs a package.json, not named packages');
const from = process.env.FLOTILLA_FAKE_NPM_FROM;
if (!from) fail('FLOTILLA_FAKE_NPM_FROM is not set');
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
const unavailable = new Set((process.env.FLOTILLA_FAKE_NPM_UNAVAILABLE ?? '').split(',').filter(Boolean));

/** Link `name@wanted` into node_modules; answers why it could not, or null. */
function install(name: string, wanted: string): string | null {
  if (unavailable.has(name)) return `${name}@${wanted}: install script failed (gyp ERR! build error)`;
  const installed = findInstalled(from as string, name);
  if (!installed) return `404 Not Found - ${name}`;
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
  if (version !== wanted) return `notarget No matching version found for ${name}@${wanted} (the fake registry has ${version})`;
  const target = join('node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { recursive: true, force: true });
  symlinkSync(installed, target, 'dir');
  process.stdout.write(`added ${name}@${version}\n`);
  return null;
}

for (const [name, wanted] of Object.entries(manifest.dependencies ?? {})) {
  const problem = install(name, wanted);
  if (problem) fail(problem);
}
for (const [name, wanted] of Object.entries(manifest.optionalDependencies ?? {})) {
  const problem = install(name, wanted);
  if (problem) process.stderr.write(`npm warn optional SKIPPING OPTIONAL DEPENDENCY: ${problem}\n`);
}
