/**
 * Claude Code through its ACP adapter (`@agentclientprotocol/claude-agent-acp`): this Node binary
 * running the adapter's bin script. It calls Anthropic's Messages API at `ANTHROPIC_BASE_URL` with
 * `ANTHROPIC_API_KEY` as `x-api-key` — here the gateway and the workspace token. Offline and quiet
 * (TOOLCHAIN.md "Claude Code over ACP, offline"); it asks `session/request_permission` for tools,
 * which the session's policy answers.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { errorMessage, permanentFailure } from '@flotilla/kit';
import type { AgentCommand, AgentDefinition } from './agent-definition.js';

const PACKAGE = '@agentclientprotocol/claude-agent-acp';

/** This Node binary and the adapter's bin script, from its package.json `bin`. */
function command(): AgentCommand {
  try {
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve(`${PACKAGE}/package.json`);
    const manifest = require(manifestPath) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
    if (!bin) throw new Error(`${PACKAGE} declares no bin script`);
    return { command: process.execPath, args: [join(dirname(manifestPath), bin)] };
  } catch (error) {
    throw permanentFailure(`cannot locate ${PACKAGE}: ${errorMessage(error)}`);
  }
}

export const claudeCode: AgentDefinition = {
  agentType: 'claude-code',
  command,
  launch: ({ gatewayUrl, token }) => ({
    args: [],
    env: {
      ANTHROPIC_BASE_URL: gatewayUrl,
      ANTHROPIC_API_KEY: token,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
    files: {},
  }),
};
