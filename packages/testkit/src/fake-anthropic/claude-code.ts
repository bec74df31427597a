import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Absolute path of the Claude Code ACP adapter's entry point (the `claude-agent-acp` bin of
 * `@agentclientprotocol/claude-agent-acp`); run it with node.
 */
export const CLAUDE_CODE_ACP_ENTRY: string = (() => {
  const packageJsonPath = require.resolve('@agentclientprotocol/claude-agent-acp/package.json');
  const { bin } = require(packageJsonPath) as { bin: Record<string, string> };
  return join(dirname(packageJsonPath), bin['claude-agent-acp'] ?? 'dist/index.js');
})();

/** Options of {@link claudeCodeEnv}. */
export interface ClaudeCodeEnvOptions {
  /** URL of the fake Anthropic API (`FakeAnthropic.url`). */
  baseUrl: string;
  /** A fresh, empty directory used as HOME, so no user settings or credentials leak in. */
  home: string;
  /** Extra variables, applied last. */
  extra?: NodeJS.ProcessEnv;
}

/**
 * Environment for running Claude Code offline against the fake Anthropic API: only PATH (and
 * LANG/TMPDIR when set) is taken from this process; no other ANTHROPIC_ or CLAUDE_ variable of
 * the caller leaks in. IS_SANDBOX=1 lets it run as root.
 */
export function claudeCodeEnv(options: ClaudeCodeEnvOptions): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'LANG', 'TMPDIR']) {
    if (process.env[name] !== undefined) inherited[name] = process.env[name];
  }
  return {
    ...inherited,
    HOME: options.home,
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    IS_SANDBOX: '1',
    ...options.extra,
  };
}
