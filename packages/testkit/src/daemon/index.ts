/**
 * @flotilla/testkit/daemon — what the node daemon's tests run against: the fake control plane
 * (fake-control-plane.ts, the one for every daemon test), the daemon as a real child process with
 * the scripted agent as its `claude-code` agent (daemon-process.ts), a raw caller of its HTTP API
 * (daemon-api.ts), a bare git origin (bare-origin.ts), and a workspace with a started agent
 * (agent-workspace.ts). Imported only by tests.
 */
export { FakeControlPlane, startFakeControlPlane, type Behaviour, type CallbackRequest, type FakeControlPlaneOptions, type Recorded } from './fake-control-plane.js';
export { matchCallbackRoute, type CallbackRouteName } from './callback-routes.js';
export { startDaemonProcess, type DaemonProcess, type DaemonProcessOptions } from './daemon-process.js';
export { daemonApi, type ApiResponse, type DaemonApi } from './daemon-api.js';
export { createBareOrigin, git, showFile } from './bare-origin.js';
export { runDaemonTask, startAgentWorkspace, type AgentWorkspaceOptions } from './agent-workspace.js';
