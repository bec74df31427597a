/**
 * The daemon artifact: one bundle whose only imports are Node built-ins and the declared runtime
 * packages, described truly by its manifest. (A VM booting from it and running tasks is
 * tests/capability/nodes-hetzner.test.ts.)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDaemonArtifact, DAEMON_PACKAGE_DIR, REQUIRED_RUNTIME_PACKAGES, RUNTIME_PACKAGES } from './build-artifact.js';

const daemonPackage = JSON.parse(readFileSync(join(DAEMON_PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

describe('buildDaemonArtifact', () => {
  it('writes the bundle and a manifest with its version, SHA-256, size and pinned runtime packages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-artifact-'));
    const { manifest } = await buildDaemonArtifact(dir);
    const bundle = readFileSync(join(dir, manifest.file));
    expect(manifest).toEqual({
      version: daemonPackage.version,
      file: 'node-daemon.mjs',
      sha256: createHash('sha256').update(bundle).digest('hex'),
      bytes: bundle.byteLength,
      dependencies: Object.fromEntries(REQUIRED_RUNTIME_PACKAGES.map((name) => [name, daemonPackage.dependencies[name]])),
      optionalDependencies: { 'node-pty': daemonPackage.dependencies['node-pty'] },
    });
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);

    const text = bundle.toString('utf8');
    const imported = new Set([...text.matchAll(/(?:^|\n)import\s[^'"]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2] ?? ''));
    const allowed = (name: string) => name.startsWith('node:') || builtinModules.includes(name) || (RUNTIME_PACKAGES as readonly string[]).includes(name);
    expect([...imported].filter((name) => !allowed(name))).toEqual([]);
    expect(imported).toContain('better-sqlite3');
  });
});
