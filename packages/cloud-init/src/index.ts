export { buildNodeUserData, DAEMON_UNIT, DEFAULT_DAEMON_PORT, DEFAULT_NODE_VERSION, DEFAULT_PUBLIC_URL, USER_DATA_MAX_BYTES, type DaemonArtifactRef, type NodeUserDataInput } from './user-data.js';
