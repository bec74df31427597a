/**
 * `@flotilla/node-daemon`: the daemon on every node (DESIGN.md §1). Normally run as the
 * `flotilla-node-daemon` bin (src/main.ts); these exports are for embedding and tests.
 */
export { takeAgentCredentials, type AgentCredentials } from './agent-credentials.js';
export { ConfigError, DEFAULTS, readConfig, type DaemonConfig } from './config.js';
export { startDaemon, type RunningDaemon } from './daemon.js';
export { DAEMON_VERSION } from './version.js';
/** How each agent type is started (command, arguments, environment, HOME files): also what a bench's bare run of an agent uses. */
export { AGENT_DEFINITIONS, writeHomeFiles, type AgentDefinition, type AgentLaunchContext } from './agents/registry/index.js';
