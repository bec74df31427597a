/**
 * This node's sandbox, from its configuration: the policy (policy.ts) hides the data directory,
 * the home of the user the daemon runs as and FLOTILLA_SANDBOX_HIDE, and shows again what agents
 * run from — Node.js's install prefix, the directory holding the node_modules the agents are
 * installed in (the repository locally, the daemon's directory on a VM) — and FLOTILLA_SANDBOX_READ.
 */
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, sep } from 'node:path';
import type { DaemonConfig } from '../config.js';
import { detectSandbox, type SandboxUnavailable } from './detect.js';
import { sandboxPolicy } from './policy.js';
import type { Sandbox } from './sandbox.js';

/** A package every node installs its agents beside (the Claude Code ACP adapter). */
const AGENT_PACKAGE = '@agentclientprotocol/claude-agent-acp/package.json';

/** The directory holding the node_modules the agents are installed in, or null when it cannot be found. */
export function agentInstallRoot(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve(AGENT_PACKAGE);
    const marker = `${sep}node_modules${sep}`;
    const at = manifest.lastIndexOf(marker, manifest.length - AGENT_PACKAGE.length - 2);
    return at > 0 ? manifest.slice(0, at) : null;
  } catch {
    return null;
  }
}

/** Node.js's install prefix (`/usr/local` for `/usr/local/bin/node`). */
export function nodePrefix(): string {
  return dirname(dirname(process.execPath));
}

/** The sandbox agents of this node run in, or why there is none. */
export function nodeSandbox(config: Pick<DaemonConfig, 'dataDir' | 'sandbox'>): Sandbox | SandboxUnavailable {
  const installRoot = agentInstallRoot();
  const policy = sandboxPolicy({
    dataDir: config.dataDir,
    homeDir: homedir(),
    hide: config.sandbox.hide,
    read: [nodePrefix(), ...(installRoot ? [installRoot] : []), ...config.sandbox.read],
  });
  return detectSandbox({ bwrap: config.sandbox.bwrap, socat: config.sandbox.socat, allowUnsandboxed: config.sandbox.allowUnsandboxed, policy });
}
