export {
  buildNodeUserData,
  daemonPackageJson,
  DAEMON_UNIT,
  DEFAULT_DAEMON_PORT,
  DEFAULT_PUBLIC_URL,
  DEFAULT_TLS_PUBLIC_URL,
  USER_DATA_MAX_BYTES,
  type DaemonArtifactRef,
  type NodeUserDataInput,
} from './user-data.js';
export { NODE_ARCH_BY_DEBIAN_ARCH, NODE_DIST_URL, NODE_RELEASE, nodeTarball, type NodeArch, type NodeRelease } from './node-release.js';
export type { CheckedDownload } from './install-scripts.js';
