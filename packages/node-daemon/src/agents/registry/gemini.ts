/**
 * Google's Gemini CLI in ACP mode (`gemini --acp`, TOOLCHAIN.md "More ACP agents"). With
 * `GOOGLE_GEMINI_BASE_URL` set it authenticates as a "gateway" (no ACP `authenticate`) and sends
 * `GEMINI_API_KEY` as `x-goog-api-key` — here the gateway and the workspace token. Quirks handled:
 * it relaunches itself in a second Node process unless `GEMINI_CLI_NO_RELAUNCH=true`; without `-m`
 * its "auto" model routes every prompt through an extra model call, so GEMINI_MODEL, when set, is
 * passed as `-m`. It asks `session/request_permission` for every tool; the session's policy answers.
 * Settings turn off usage statistics, telemetry and self-update.
 */
import type { AgentDefinition } from './agent-definition.js';
import { json, nodeScript } from './agent-definition.js';

export const gemini: AgentDefinition = {
  agentType: 'gemini',
  command: () => nodeScript('@google/gemini-cli', 'bundle/gemini.js'),
  launch: ({ gatewayUrl, token, model }) => ({
    args: ['--acp', ...(model ? ['-m', model] : [])],
    env: { GOOGLE_GEMINI_BASE_URL: gatewayUrl, GEMINI_API_KEY: token, GEMINI_CLI_NO_RELAUNCH: 'true' },
    files: {
      '.gemini/settings.json': json({
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      }),
    },
  }),
};
