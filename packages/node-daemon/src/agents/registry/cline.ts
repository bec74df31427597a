/**
 * Cline's CLI in ACP mode (`cline --acp`, TOOLCHAIN.md "More ACP agents"): its native binary from
 * the platform package. It needs its provider in `~/.cline/data/settings/providers.json`
 * (openai-compatible: the gateway, the workspace token, OPENAI_MODEL — required) and also
 * `CLINE_API_KEY` and `CLINE_PROVIDER=openai-compatible` in its environment, or it answers
 * "Authentication required". Quirk handled: it starts a hub daemon (127.0.0.1:25463) that outlives
 * it unless `CLINE_SESSION_BACKEND_MODE=local`. It asks `session/request_permission` for tools;
 * the session's policy answers.
 */
import type { AgentDefinition } from './agent-definition.js';
import { json, platformBinary } from './agent-definition.js';

export const cline: AgentDefinition = {
  agentType: 'cline',
  command: () => platformBinary('@cline/cli', 'bin/cline'),
  launch: ({ gatewayUrl, token, model }) => ({
    args: ['--acp'],
    env: { CLINE_API_KEY: token, CLINE_PROVIDER: 'openai-compatible', CLINE_SESSION_BACKEND_MODE: 'local' },
    files: {
      '.cline/data/settings/providers.json': json({
        version: 1,
        lastUsedProvider: 'openai-compatible',
        modes: {},
        providers: {
          'openai-compatible': {
            settings: { provider: 'openai-compatible', apiKey: token, model: model ?? 'default', baseUrl: gatewayUrl },
            updatedAt: new Date().toISOString(),
            tokenSource: 'manual',
          },
        },
      }),
    },
  }),
};
