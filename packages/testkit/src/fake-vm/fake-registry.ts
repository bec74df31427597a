/**
 * The npm registry of a fake VM (test-only): the packages this repository installed, indexed
 * from its package-lock.json. It "serves" `name@version` as the installed copy, whose tarball
 * had the integrity hash that lockfile records — so a lockfile asking for another version, or the
 * same version with another integrity, is refused as the real registry and npm would refuse it
 * (404/ETARGET, EINTEGRITY).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** One package version the fake registry has. */
export interface RegistryEntry {
  /** The tarball's integrity (`sha512-…`) as the repository's lockfile records it. */
  integrity: string | undefined;
  /** The installed copy standing in for the tarball's contents. */
  dir: string;
}

/** A lockfile `packages` entry, the fields npm ci reads. */
export interface LockEntry {
  version?: string;
  integrity?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  link?: boolean;
}

/** The package name of a lockfile path (`node_modules/a/node_modules/@s/b` → `@s/b`). */
export function packageNameOf(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** The directory holding the package-lock.json that governs `from` (walking up, as npm finds its root). */
function lockRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package-lock.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package-lock.json above ${from}`);
  }
}

/**
 * The fake registry of the repository installed around `from`: `name@version` → entry.
 * @throws Error when there is no package-lock.json above `from`
 */
export function loadFakeRegistry(from: string): Map<string, RegistryEntry> {
  const root = lockRoot(from);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const registry = new Map<string, RegistryEntry>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.includes('node_modules/') || entry.link || !entry.version) continue;
    const key = `${packageNameOf(path)}@${entry.version}`;
    const dir = join(root, path);
    if (!registry.has(key) || existsSync(dir)) registry.set(key, { integrity: entry.integrity, dir });
  }
  return registry;
}

/** Whether npm installs `entry` on this machine (its `os`, `cpu` and `libc` allow it; Debian is glibc). */
export function fitsThisPlatform(entry: LockEntry): boolean {
  return (!entry.os || entry.os.includes(process.platform)) && (!entry.cpu || entry.cpu.includes(process.arch)) && (!entry.libc || entry.libc.includes('glibc'));
}
