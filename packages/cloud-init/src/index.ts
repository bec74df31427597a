export { buildNodeUserData, DAEMON_UNIT, DEFAULT_NODE_VERSION, USER_DATA_MAX_BYTES, type NodeUserDataInput } from './user-data.js';
