/**
 * The shell scripts a VM's boot runs (cloud-init `runcmd`, `sh -c`) to install what the node
 * daemon runs on, each download checked before it is used:
 * - Node.js from nodejs.org, its tarball's SHA-256 checked against the pinned one of the VM's
 *   architecture (node-release.ts) before it is unpacked;
 * - the daemon bundle and the lockfile of its runtime packages from the control plane, each
 *   checked against the SHA-256 its manifest gives, then the packages installed exactly as the
 *   lockfile says (`npm ci`: versions and integrity hashes, nothing resolved anew).
 * `sha256sum -c` prints `<file>: OK` or `<file>: FAILED` and fails the script (`set -eu`), which
 * stops the boot. DESTDIR (empty on a VM) stages every write under another root, as
 * `make install` does (the fake VM of the tests uses it).
 */
import { NODE_ARCH_BY_DEBIAN_ARCH, NODE_DIST_URL, checkNodeRelease, type NodeRelease } from './node-release.js';

/** Shell-quote one word for `sh`. */
export const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** A file the boot downloads, and the SHA-256 it must have. */
export interface CheckedDownload {
  url: string;
  /** Lower-case hex SHA-256. */
  sha256: string;
}

/** curl that fails on HTTP errors and retries a server not up yet. */
const CURL = 'curl -fsSL --retry 5 --retry-connrefused';

/**
 * Download Node.js `release` for this VM's architecture, check its SHA-256, unpack it into
 * `/usr/local`. An architecture without a pinned checksum stops the boot saying so.
 * @throws Error when `release` holds a malformed version or checksum
 */
export function nodeInstallScript(release: NodeRelease): string {
  checkNodeRelease(release);
  const cases = Object.entries(NODE_ARCH_BY_DEBIAN_ARCH).map(([debian, arch]) => `  ${debian}) arch=${arch}; sum=${release.sha256[arch]};;`);
  return [
    'set -eu',
    'case "$(dpkg --print-architecture)" in',
    ...cases,
    `  *) echo "no SHA-256 of Node.js ${release.version} is pinned for $(dpkg --print-architecture)" >&2; exit 1;;`,
    'esac',
    `file="node-v${release.version}-linux-$arch.tar.xz"`,
    'dir=$(mktemp -d)',
    `${CURL} -o "$dir/$file" "${NODE_DIST_URL}/v${release.version}/$file"`,
    '(cd "$dir" && echo "$sum  $file" | sha256sum -c -)',
    'mkdir -p "${DESTDIR:-}/usr/local"',
    'tar -xJf "$dir/$file" -C "${DESTDIR:-}/usr/local" --strip-components=1',
    'rm -rf "$dir"',
  ].join('\n');
}

/**
 * In `installDir`: download the daemon bundle as `bundleFile` and the lockfile as
 * `package-lock.json`, each checked, then `npm ci` the runtime packages from the lockfile next
 * to the package.json the user-data wrote (optional ones, node-pty, may fail to build).
 * @throws Error when a checksum is not 64 lower-case hex digits
 */
export function daemonInstallScript(installDir: string, bundleFile: string, bundle: CheckedDownload, lockfile: CheckedDownload): string {
  for (const [what, sum] of [['bundle', bundle.sha256], ['lockfile', lockfile.sha256]] as const) {
    if (!/^[0-9a-f]{64}$/.test(sum)) throw new Error(`the daemon ${what} sha256 must be 64 hex digits`);
  }
  const fetchChecked = (download: CheckedDownload, file: string) => [
    `${CURL} -o ${file}.download ${sh(download.url)}`,
    `echo ${sh(`${download.sha256}  ${file}.download`)} | sha256sum -c -`,
  ];
  return [
    'set -eu',
    `cd "\${DESTDIR:-}${installDir}"`,
    ...fetchChecked(bundle, bundleFile),
    ...fetchChecked(lockfile, 'package-lock.json'),
    `mv ${bundleFile}.download ${bundleFile}`,
    'mv package-lock.json.download package-lock.json',
    'npm ci --omit=dev --no-audit --no-fund',
  ].join('\n');
}
