/**
 * The fake VM's `npm` (fake-npm.ts) behaves as `npm ci` does where a boot depends on it: it
 * installs exactly what the lockfile pins, from the fake registry (this repository's installed
 * packages), and refuses what the real one refuses — no lockfile, a lockfile out of sync with
 * package.json, a version the registry lacks, an integrity hash that differs (EINTEGRITY), and
 * any command but `ci`. A failed optional package is skipped with npm's warning.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const FAKE_NPM = join(REPO_ROOT, 'packages/testkit/bin/fake-npm.mjs');
const repoLock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity: string }> };

type Entry = { version?: string; integrity?: string; optional?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };

/** A VM directory with a package.json of `dependencies` and a lockfile of `entries`, in sync. */
function vmDir(dependencies: Record<string, string>, entries: Record<string, Entry>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-fake-npm-'));
  const root = { name: 'flotilla-node', version: '0.1.0', dependencies };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'flotilla-node', lockfileVersion: 3, requires: true, packages: { '': root, ...entries } }));
  return dir;
}

function npm(dir: string, args: string[], unavailable: string[] = []) {
  const env = { PATH: process.env.PATH ?? '', FLOTILLA_FAKE_NPM_FROM: join(REPO_ROOT, 'packages/node-daemon'), FLOTILLA_FAKE_NPM_UNAVAILABLE: unavailable.join(',') };
  const result = spawnSync(process.execPath, [FAKE_NPM, ...args], { cwd: dir, env, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const pinned = (path: string): Entry => ({ version: repoLock.packages[path]?.version, integrity: repoLock.packages[path]?.integrity });
const bindings = { 'node_modules/bindings': pinned('node_modules/bindings'), 'node_modules/file-uri-to-path': pinned('node_modules/file-uri-to-path') };
const wanted = { bindings: repoLock.packages['node_modules/bindings']?.version ?? '' };

describe('fake npm', () => {
  it('npm ci installs every package the lockfile pins, as the registry has it', () => {
    const dir = vmDir(wanted, bindings);
    const run = npm(dir, ['ci', '--omit=dev', '--no-audit', '--no-fund']);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('added 2 packages');
    expect(realpathSync(join(dir, 'node_modules/bindings'))).toBe(realpathSync(join(REPO_ROOT, 'node_modules/bindings')));
    expect(existsSync(join(dir, 'node_modules/file-uri-to-path/package.json'))).toBe(true);
  });

  it('refuses what npm ci refuses', () => {
    expect(npm(vmDir(wanted, bindings), ['install']).output).toContain('only supports "npm ci"');

    const noLock = vmDir(wanted, bindings);
    rmSync(join(noLock, 'package-lock.json'));
    expect(npm(noLock, ['ci']).output).toContain('can only install with an existing package-lock.json');

    const outOfSync = vmDir(wanted, bindings);
    writeFileSync(join(outOfSync, 'package.json'), JSON.stringify({ dependencies: { bindings: '9.9.9' } }));
    const unsynced = npm(outOfSync, ['ci']);
    expect(unsynced.status).toBe(1);
    expect(unsynced.output).toContain('package.json and package-lock.json are in sync');

    const tampered = npm(vmDir(wanted, { ...bindings, 'node_modules/bindings': { ...bindings['node_modules/bindings'], integrity: 'sha512-AAAA' } }), ['ci']);
    expect(tampered.status).toBe(1);
    expect(tampered.output).toContain('EINTEGRITY bindings@');

    const missing = npm(vmDir({ bindings: '0.0.1' }, { 'node_modules/bindings': { ...bindings['node_modules/bindings'], version: '0.0.1' } }), ['ci']);
    expect(missing.output).toContain('404 Not Found - bindings@0.0.1');
  });

  it('skips an optional package that fails to install, with npm warning; a required one fails the install', () => {
    const entries = { ...bindings, 'node_modules/file-uri-to-path': { ...bindings['node_modules/file-uri-to-path'], optional: true } };
    const optional = npm(vmDir(wanted, entries), ['ci'], ['file-uri-to-path']);
    expect(optional.status, optional.output).toBe(0);
    expect(optional.output).toContain('SKIPPING OPTIONAL DEPENDENCY: file-uri-to-path@1.0.0');
    expect(npm(vmDir(wanted, bindings), ['ci'], ['bindings']).status).toBe(1);
  });
});
