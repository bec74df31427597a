/**
 * The environment an agent process gets. Agents do not inherit the daemon's environment: they
 * get a short allow-list, their own HOME, the agent credentials (agent-credentials.ts) and the
 * names listed in AGENT_ENV_PASSTHROUGH.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentType } from '@flotilla/contracts';
import type { AgentCredentials } from '../../agent-credentials.js';

/** Inherited from the daemon when set. */
const BASE_VARIABLES = ['PATH', 'LANG', 'TERM', 'TMPDIR'] as const;

/**
 * Claude Code, offline and quiet (TOOLCHAIN.md "Claude Code over ACP, offline"). IS_SANDBOX=1 is
 * added when the daemon runs as root: Claude Code only offers bypassPermissions mode to root
 * inside a sandbox.
 */
const CLAUDE_CODE_VARIABLES = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
} as const;

export interface AgentEnvOptions {
  agentType: AgentType;
  /** FLOTILLA_DATA_DIR; the agent's HOME is `<dataDir>/agent-home/<agentType>`. */
  dataDir: string;
  credentials: AgentCredentials;
  /** AGENT_ENV_PASSTHROUGH names. */
  passthrough: readonly string[];
  /** Where base and passthrough values come from (normally `process.env`). */
  sourceEnv: Record<string, string | undefined>;
  /** Whether the daemon runs as root (uid 0). */
  isRoot: boolean;
}

/** `<dataDir>/agent-home/<agentType>`. */
export function agentHome(dataDir: string, agentType: AgentType): string {
  return join(dataDir, 'agent-home', agentType);
}

/**
 * Build the environment of an agent process and create its HOME directory.
 *
 * Precedence, lowest first: base variables, passthrough names, HOME, credentials, agent-type
 * specific variables — so a passthrough name cannot replace HOME or a credential.
 */
export function buildAgentEnv(options: AgentEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_VARIABLES, ...options.passthrough]) {
    const value = options.sourceEnv[name];
    if (value !== undefined) env[name] = value;
  }
  const home = agentHome(options.dataDir, options.agentType);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  env.HOME = home;
  for (const [name, value] of Object.entries(options.credentials)) {
    if (value !== undefined) env[name] = value;
  }
  if (options.agentType === 'claude-code') {
    Object.assign(env, CLAUDE_CODE_VARIABLES);
    if (options.isRoot) env.IS_SANDBOX = '1';
  }
  return env;
}
