/**
 * The fake VM's nodejs.org (test-only). nodejs.org is the outside world, and the real tarball of
 * the release Flotilla pins (@flotilla/cloud-init NODE_RELEASE) is not on this machine, so a
 * stand-in plays it: a tarball laid out like the release's (`node-v<version>-linux-<arch>/bin/node`)
 * whose `node` is this machine's Node.js, in a directory served to curl as `file://`. The fake
 * knows the stand-in by the SHA-256 nodejs.org publishes for the real tarball: in the boot script
 * it runs, that published checksum stands for the stand-in's own, exactly as the real site's file
 * has the published one. Any other checksum — a tampered user-data, a wrong pin — is left as it
 * is, and the script's own `sha256sum -c` refuses the download.
 */
import { NODE_DIST_URL, NODE_RELEASE, nodeTarball, type NodeArch } from '@flotilla/cloud-init';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export { NODE_DIST_URL };

export interface FakeNodeDist {
  /** The release it serves (the pinned one). */
  version: string;
  /**
   * `script` as it runs against this stand-in: nodejs.org's URL pointing here, and the
   * published SHA-256 of the release for this machine's architecture standing for the stand-in's.
   */
  serve(script: string): string;
}

/**
 * Lay out the stand-in release under `dir` (made if needed; reused when there).
 * @throws Error when `tar`/`xz` are missing or fail
 */
export function fakeNodeDist(dir: string): FakeNodeDist {
  const arch: NodeArch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const file = nodeTarball(NODE_RELEASE, arch);
  const top = file.replace(/\.tar\.xz$/, '');
  const tarball = join(dir, `v${NODE_RELEASE.version}`, file);
  if (!existsSync(tarball)) {
    const bin = join(dir, 'src', top, 'bin');
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, 'node'))) symlinkSync(process.execPath, join(bin, 'node'));
    mkdirSync(join(dir, `v${NODE_RELEASE.version}`), { recursive: true });
    execFileSync('tar', ['-cJf', tarball, '-C', join(dir, 'src'), top]);
  }
  const standInSum = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  return {
    version: NODE_RELEASE.version,
    serve: (script) => script.replaceAll(`${NODE_DIST_URL}/`, `file://${dir}/`).replaceAll(NODE_RELEASE.sha256[arch], standInSum),
  };
}
