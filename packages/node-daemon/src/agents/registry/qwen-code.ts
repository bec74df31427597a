/**
 * Qwen Code in ACP mode (`qwen --acp`, TOOLCHAIN.md "More ACP agents"): its `cli.js` run by this
 * Node binary directly (its `cli-entry.js` only spawns a second Node process running `cli.js
 * --expose-gc`), with OpenAI authentication: `OPENAI_API_KEY`, `OPENAI_BASE_URL` and
 * `OPENAI_MODEL` — here the workspace token, the gateway (Chat Completions) and the model
 * (required). `--approval-mode default`: it asks `session/request_permission` for tools (which the
 * session's policy answers) and makes no extra classifier call. Settings turn off usage
 * statistics, telemetry, self-update, and managed auto-memory (`memory.enableManagedAutoMemory`:
 * after each turn Qwen Code asks the model to extract memories into its HOME, which the workspace
 * throws away — model tokens spent after the turn, for nothing).
 */
import type { AgentDefinition } from './agent-definition.js';
import { json, nodeScript } from './agent-definition.js';

export const qwenCode: AgentDefinition = {
  agentType: 'qwen-code',
  command: () => nodeScript('@qwen-code/qwen-code', 'cli.js', ['--expose-gc']),
  launch: ({ gatewayUrl, token, model }) => ({
    args: ['--acp', '--auth-type', 'openai', '--approval-mode', 'default'],
    env: { OPENAI_API_KEY: token, OPENAI_BASE_URL: gatewayUrl, ...(model ? { OPENAI_MODEL: model } : {}) },
    files: {
      '.qwen/settings.json': json({
        security: { auth: { selectedType: 'openai' } },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        general: { enableAutoUpdate: false, disableAutoUpdate: true },
        memory: { enableManagedAutoMemory: false },
      }),
    },
  }),
};
