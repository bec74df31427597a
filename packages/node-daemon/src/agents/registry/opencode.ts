/**
 * OpenCode in ACP mode (`opencode acp`, TOOLCHAIN.md "More ACP agents"): its native binary from
 * the platform package, configured by `OPENCODE_CONFIG_CONTENT` with one provider — the gateway,
 * spoken to as an OpenAI-compatible Chat Completions API (`@ai-sdk/openai-compatible`, bundled
 * with OpenCode) with the workspace token as its key — and OPENAI_MODEL as its model (required).
 * Model list fetch, self-update, default plugins, LSP downloads and sharing are off. It runs its
 * tools without asking unless told to: policy `ask` (and `reject`) sets its `bash`, `edit` and
 * `webfetch` permissions to `ask`, so it asks `session/request_permission`. Its process tree can
 * reach 1 GB (peak RSS measured on a loaded machine); the sandbox ends it with the workspace.
 */
import type { AgentDefinition } from './agent-definition.js';
import { platformBinary } from './agent-definition.js';

const PROVIDER = 'flotilla';

export const opencode: AgentDefinition = {
  agentType: 'opencode',
  command: () => platformBinary('opencode', 'bin/opencode'),
  launch: ({ gatewayUrl, token, model, permissionPolicy }) => {
    const modelId = model ?? 'default';
    const permission = permissionPolicy === 'allow' ? 'allow' : 'ask';
    const config = {
      $schema: 'https://opencode.ai/config.json',
      provider: {
        [PROVIDER]: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Flotilla model gateway',
          options: { baseURL: gatewayUrl, apiKey: token },
          models: { [modelId]: { name: modelId, tool_call: true } },
        },
      },
      model: `${PROVIDER}/${modelId}`,
      small_model: `${PROVIDER}/${modelId}`,
      autoupdate: false,
      share: 'disabled',
      permission: { bash: permission, edit: permission, webfetch: permission },
    };
    return {
      args: ['acp'],
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
        OPENCODE_DISABLE_SHARE: '1',
      },
      files: {},
    };
  },
};
