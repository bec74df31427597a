/**
 * Sandboxes (DESIGN.md §7): what an agent process — and every git command run on its checkout —
 * may see, write and reach. See sandbox.ts.
 */
export { bubblewrapSandbox, unconfinedSandbox, SANDBOX_RUN_DIR, SANDBOX_STATUS_FD, SANDBOX_UID, type Sandbox, type SandboxedCommand, type SpawnSpec } from './sandbox.js';
export type { SandboxBridge } from './bridge.js';
export { detectSandbox, type SandboxSettings, type SandboxUnavailable } from './detect.js';
export { agentInstallRoot, nodePrefix, nodeSandbox } from './node-sandbox.js';
export { isInside, sandboxPolicy, type SandboxPolicy } from './policy.js';
