/**
 * The environment of a sandboxed process of a workspace (DESIGN.md §7): only what it needs, never
 * a daemon variable or a credential. An agent gets PATH, LANG and TERM from the daemon, the names
 * in AGENT_ENV_PASSTHROUGH, the workspace sandbox's own HOME and TMPDIR, IS_SANDBOX=1, the egress
 * proxy (`HTTPS_PROXY`/`HTTP_PROXY`, lower case too, and `NO_PROXY` for loopback, where its model
 * gateway is), and its agent type's own variables (agents/registry/: quiet settings, the gateway's
 * address with the workspace token — the only thing resembling a credential it holds).
 * A terminal's shell gets the same without anything of the gateway.
 */
/** Taken from the daemon's environment when set. */
const BASE_VARIABLES = ['PATH', 'LANG', 'TERM'] as const;

/** Hosts a sandboxed process reaches without the proxy: its own loopback (the gateway's bridge). */
export const NO_PROXY = '127.0.0.1,localhost';

export interface SandboxEnvOptions {
  /** The workspace sandbox's HOME and TMPDIR. */
  home: string;
  tmp: string;
  /** The egress proxy as the process reaches it, e.g. `http://127.0.0.1:3128`. */
  proxyUrl: string;
  /** AGENT_ENV_PASSTHROUGH names. */
  passthrough: readonly string[];
  /** Where base and passthrough values come from (normally `process.env`). */
  sourceEnv: Record<string, string | undefined>;
}

export interface AgentEnvOptions extends SandboxEnvOptions {
  /** The agent type's variables (its definition's `launch().env`: settings, the gateway and the workspace token). */
  agentEnv: Record<string, string>;
}

/** Variables an agent definition may not set: the sandbox's own. */
const SANDBOX_VARIABLES = new Set(['HOME', 'TMPDIR', 'IS_SANDBOX', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'NO_PROXY', 'no_proxy']);

/**
 * The environment of a terminal's shell: base and passthrough variables, then (overriding them)
 * HOME, TMPDIR, IS_SANDBOX and the proxy variables.
 */
export function buildSandboxEnv(options: SandboxEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_VARIABLES, ...options.passthrough]) {
    const value = options.sourceEnv[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: options.home,
    TMPDIR: options.tmp,
    IS_SANDBOX: '1',
    HTTPS_PROXY: options.proxyUrl,
    HTTP_PROXY: options.proxyUrl,
    https_proxy: options.proxyUrl,
    http_proxy: options.proxyUrl,
    NO_PROXY,
    no_proxy: NO_PROXY,
  });
  return env;
}

/**
 * The environment of an agent process: {@link buildSandboxEnv}, then its agent type's variables —
 * so a passthrough name cannot replace the gateway or the token, and an agent's variables cannot
 * replace HOME, TMPDIR or the proxy.
 */
export function buildAgentEnv(options: AgentEnvOptions): Record<string, string> {
  const agentEnv = Object.fromEntries(Object.entries(options.agentEnv).filter(([name]) => !SANDBOX_VARIABLES.has(name)));
  return { ...buildSandboxEnv(options), ...agentEnv };
}
