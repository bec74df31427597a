/**
 * The daemon artifact: one bundle whose only imports are Node built-ins and the declared runtime
 * packages, and the lockfile of those packages, described truly by its manifest. The lockfile
 * pins every package by version and integrity at the repository's own versions, and npm itself
 * accepts it for the VM's package.json (`npm ci --dry-run --offline`). (A VM booting from it and
 * running tasks is tests/capability/nodes-hetzner.test.ts.)
 */
import { daemonPackageJson } from '@flotilla/cloud-init';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.js';
import { buildDaemonArtifact, DAEMON_PACKAGE_DIR, OPTIONAL_RUNTIME_PACKAGES, REQUIRED_RUNTIME_PACKAGES, RUNTIME_PACKAGES } from './build-artifact.js';
import { checkRuntimeLockfile } from './runtime-lockfile.js';

type Lock = { packages: Record<string, { version?: string; integrity?: string }> };

const daemonPackage = JSON.parse(readFileSync(join(DAEMON_PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

describe('buildDaemonArtifact', () => {
  it('writes the bundle and a manifest with its version, SHA-256, size and pinned runtime packages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-artifact-'));
    const { manifest } = await buildDaemonArtifact(dir);
    const bundle = readFileSync(join(dir, manifest.file));
    const lockfile = readFileSync(join(dir, 'package-lock.json'));
    expect(manifest).toEqual({
      version: daemonPackage.version,
      file: 'node-daemon.mjs',
      sha256: createHash('sha256').update(bundle).digest('hex'),
      bytes: bundle.byteLength,
      lockfile: { file: 'package-lock.json', sha256: createHash('sha256').update(lockfile).digest('hex'), bytes: lockfile.byteLength },
      dependencies: Object.fromEntries(REQUIRED_RUNTIME_PACKAGES.map((name) => [name, daemonPackage.dependencies[name]])),
      optionalDependencies: Object.fromEntries(OPTIONAL_RUNTIME_PACKAGES.map((name) => [name, daemonPackage.dependencies[name]])),
    });
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);

    const text = bundle.toString('utf8');
    const imported = new Set([...text.matchAll(/(?:^|\n)import\s[^'"]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2] ?? ''));
    const allowed = (name: string) => name.startsWith('node:') || builtinModules.includes(name) || (RUNTIME_PACKAGES as readonly string[]).includes(name);
    expect([...imported].filter((name) => !allowed(name))).toEqual([]);
    expect(imported).toContain('better-sqlite3');
  });

  it("locks the runtime packages at the repository's versions and integrity hashes, in a lockfile npm ci accepts", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-artifact-'));
    const { manifest } = await buildDaemonArtifact(dir);
    const text = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    const packageJson = daemonPackageJson(manifest);
    expect(() => checkRuntimeLockfile(text, packageJson)).not.toThrow();
    const lock = JSON.parse(text) as Lock;
    const repoLock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lock;
    for (const name of RUNTIME_PACKAGES) {
      expect(lock.packages[`node_modules/${name}`]).toMatchObject({ version: daemonPackage.dependencies[name], integrity: repoLock.packages[`node_modules/${name}`]?.integrity });
    }
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path !== '') expect(entry.integrity, path).toBe(repoLock.packages[path]?.integrity);
    }

    // npm itself finds package.json and lockfile in sync, and needs nothing it does not pin.
    const vm = mkdtempSync(join(tmpdir(), 'flotilla-artifact-vm-'));
    writeFileSync(join(vm, 'package.json'), JSON.stringify(packageJson));
    writeFileSync(join(vm, 'package-lock.json'), text);
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    const output = execFileSync('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', vm], { cwd: vm, env, encoding: 'utf8', stdio: 'pipe' });
    expect(output).toMatch(/added \d+ packages/);

    // A lockfile that does not match the runtime packages, or pins something loosely, is refused.
    expect(() => checkRuntimeLockfile(text, { ...packageJson, dependencies: { 'better-sqlite3': '12.4.1' } })).toThrow(/root does not match/);
    const loose = JSON.parse(text) as Lock;
    delete loose.packages['node_modules/bindings']?.integrity;
    expect(() => checkRuntimeLockfile(JSON.stringify({ ...loose, lockfileVersion: 3 }), packageJson)).toThrow(/without a version and integrity: node_modules\/bindings/);
  });
});
