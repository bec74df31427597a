/**
 * The node daemon as an artifact a VM can download (issue 6, item 7): one ES module bundle
 * (`node-daemon.mjs`, built with esbuild from `src/main.ts`), the `package-lock.json` of the few
 * packages that cannot be bundled (runtime-lockfile.ts), and a manifest naming its version, the
 * SHA-256 and size of both files, and those packages. They are native addons (better-sqlite3,
 * node-pty) and the Claude Code ACP adapter, which is a program the daemon starts rather than
 * code it imports; a VM installs exactly what the lockfile pins next to the bundle with `npm ci`
 * (see @flotilla/cloud-init).
 *
 * The control plane serves the three files (`GET /api/node-daemon`,
 * `GET /api/node-daemon/bundle/:version`, `GET /api/node-daemon/lockfile/:version`);
 * `flotilla up` builds them into its static assets (stack/stack-assets.ts). The build lives in the
 * CLI, which runs it: esbuild is the CLI's dependency, not the daemon's (which runs on VMs).
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { daemonPackageJson } from '@flotilla/cloud-init';
import { NodeDaemonManifest } from '@flotilla/contracts';
import { buildRuntimeLockfile } from './runtime-lockfile.js';

/** The node daemon package's directory (its sources, its package.json, and `dist/artifact`). */
export const DAEMON_PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('@flotilla/node-daemon/package.json'));
export const BUNDLE_FILE = 'node-daemon.mjs';
export const MANIFEST_FILE = 'manifest.json';
export const LOCKFILE_FILE = 'package-lock.json';

/**
 * Packages left out of the bundle and installed on the VM instead: native addons, and the agents
 * the daemon runs as processes of their own (contracts `AGENT_CATALOG`). node-pty is optional
 * there: it compiles on install, and without it only terminals are unavailable
 * (terminals/pty-loader.ts). The agents other than Claude Code are optional too: one that fails to
 * install is announced as not installed (agents/registry/availability.ts) and the others run. `bufferutil` and
 * `utf-8-validate` are optional speed-ups of `ws` that it loads only when present; they are
 * neither bundled nor installed.
 */
export const REQUIRED_RUNTIME_PACKAGES = ['better-sqlite3', '@agentclientprotocol/claude-agent-acp'] as const;
export const OPTIONAL_RUNTIME_PACKAGES = ['node-pty', '@zed-industries/codex-acp', '@google/gemini-cli', 'opencode-ai', '@qwen-code/qwen-code', 'cline'] as const;
export const RUNTIME_PACKAGES = [...REQUIRED_RUNTIME_PACKAGES, ...OPTIONAL_RUNTIME_PACKAGES] as const;
const OPTIONAL_EXTERNALS = ['bufferutil', 'utf-8-validate'];

/**
 * esbuild puts CommonJS dependencies into an ES module; those still call `require` for Node's
 * built-ins, which an ES module does not have. This banner gives the bundle one.
 */
const REQUIRE_BANNER = "import { createRequire as __flotillaCreateRequire } from 'node:module';\nconst require = __flotillaCreateRequire(import.meta.url);";

export interface BuiltArtifact {
  /** Directory holding `node-daemon.mjs`, `package-lock.json` and `manifest.json`. */
  dir: string;
  manifest: NodeDaemonManifest;
}

function readDaemonPackage(): { version: string; dependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(DAEMON_PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
}

/**
 * Bundle the daemon into `outDir` (created if needed), lock its runtime packages, and write the
 * manifest. Files are written under temporary names and renamed, so a reader never sees half a
 * bundle.
 * @throws Error when esbuild reports an error, a runtime package has no pinned version, or the
 *   lockfile cannot be made (runtime-lockfile.ts)
 */
export async function buildDaemonArtifact(outDir: string): Promise<BuiltArtifact> {
  const pkg = readDaemonPackage();
  const pinned = (names: readonly string[]) =>
    Object.fromEntries(
      names.map((name) => {
        const version = pkg.dependencies[name];
        if (!version || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${name} must be pinned to an exact version in the node daemon's package.json`);
        return [name, version];
      }),
    );
  const result = await build({
    entryPoints: [join(DAEMON_PACKAGE_DIR, 'src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    minify: false,
    legalComments: 'none',
    external: [...RUNTIME_PACKAGES, ...OPTIONAL_EXTERNALS],
    banner: { js: REQUIRE_BANNER },
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output');
  const bytes = output.contents;
  const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
  const runtime = { version: pkg.version, dependencies: pinned(REQUIRED_RUNTIME_PACKAGES), optionalDependencies: pinned(OPTIONAL_RUNTIME_PACKAGES) };
  const lockfile = new TextEncoder().encode(await buildRuntimeLockfile(daemonPackageJson(runtime)));
  const manifest = NodeDaemonManifest.parse({
    version: pkg.version,
    file: BUNDLE_FILE,
    sha256: sha256(bytes),
    bytes: bytes.byteLength,
    lockfile: { file: LOCKFILE_FILE, sha256: sha256(lockfile), bytes: lockfile.byteLength },
    dependencies: runtime.dependencies,
    optionalDependencies: runtime.optionalDependencies,
  });
  mkdirSync(outDir, { recursive: true });
  const write = (name: string, data: Uint8Array | string) => {
    const temp = join(outDir, `.${name}.${process.pid}.tmp`);
    writeFileSync(temp, data);
    renameSync(temp, join(outDir, name));
  };
  write(BUNDLE_FILE, bytes);
  write(LOCKFILE_FILE, lockfile);
  write(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir: outDir, manifest };
}
