/**
 * The Node.js release a VM installs, pinned in one place: its version and the SHA-256 of its
 * Linux tarball per architecture, as nodejs.org publishes them in that release's SHASUMS256.txt
 * (https://nodejs.org/dist/v20.19.5/SHASUMS256.txt). The boot script (install-scripts.ts) refuses a
 * download whose SHA-256 differs, so a compromised mirror or a man in the middle cannot hand a VM
 * another Node.js. To move to another release, change the version and both checksums together.
 */

/** A Node.js release and the SHA-256 of its `node-v<version>-linux-<arch>.tar.xz` per architecture. */
export interface NodeRelease {
  version: string;
  /** Lower-case hex SHA-256 by Node.js's architecture name (`x64`, `arm64`). */
  sha256: Readonly<Record<NodeArch, string>>;
}

/** Node.js's names of the architectures a VM may have, by Debian's (`dpkg --print-architecture`). */
export const NODE_ARCH_BY_DEBIAN_ARCH = { amd64: 'x64', arm64: 'arm64' } as const;
export type NodeArch = (typeof NODE_ARCH_BY_DEBIAN_ARCH)[keyof typeof NODE_ARCH_BY_DEBIAN_ARCH];

/** The release every VM installs. */
export const NODE_RELEASE: NodeRelease = {
  version: '20.19.5',
  sha256: {
    x64: '315046739a513a70e03a4a55a8afda8cf979f30852e576075c340084e3f8ac0f',
    arm64: 'd462267863ae8ee556039ebdf559055a8ec562c633889ef1403f3adb449ba1dd',
  },
};

/** Where Node.js releases are downloaded from. */
export const NODE_DIST_URL = 'https://nodejs.org/dist';

/** The tarball of `release` for `arch`, e.g. `node-v20.19.5-linux-x64.tar.xz`. */
export function nodeTarball(release: NodeRelease, arch: NodeArch): string {
  return `node-v${release.version}-linux-${arch}.tar.xz`;
}

/**
 * Check a release's fields before they go into a shell script.
 * @throws Error naming the field that is not an exact version or a 64-hex-digit SHA-256
 */
export function checkNodeRelease(release: NodeRelease): void {
  if (!/^\d+\.\d+\.\d+$/.test(release.version)) throw new Error(`the Node.js version must look like 20.19.5, got ${release.version}`);
  for (const [arch, sum] of Object.entries(release.sha256)) {
    if (!/^[0-9a-f]{64}$/.test(sum)) throw new Error(`the SHA-256 of Node.js ${release.version} for ${arch} must be 64 lower-case hex digits`);
  }
}
