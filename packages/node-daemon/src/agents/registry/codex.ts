/**
 * OpenAI Codex through Zed's ACP adapter (`@zed-industries/codex-acp`, TOOLCHAIN.md "More ACP
 * agents"). Quirks handled here:
 * - its Node wrapper spawns a native binary and, when killed, leaves it running: the native
 *   binary of the platform package is started directly;
 * - it does not exit when its stdin closes: the session stops it by signal (agent-process.ts);
 * - its home (`CODEX_HOME`) must not be under `$TMPDIR`: it is `$HOME/.codex`, beside, not under,
 *   the sandbox's TMPDIR;
 * - it sandboxes its own tools with bubblewrap, which cannot mount /proc inside Flotilla's
 *   sandbox: its `sandbox_mode` is `danger-full-access` — its tools are contained by Flotilla's
 *   sandbox instead (README "What the agent can reach").
 * It reaches the model through a custom provider in `config.toml` — the Responses API at the
 * gateway, the workspace token from an environment variable — so it needs no ACP `authenticate`.
 * Approval: `allow` → `never` (it runs its tools without asking); `ask` and `reject` →
 * `untrusted` (it asks `session/request_permission`, which the session's policy answers).
 */
import type { AgentDefinition } from './agent-definition.js';
import { platformBinary } from './agent-definition.js';

/** The variable Codex reads the gateway token from (`env_key` of its provider). */
const TOKEN_VARIABLE = 'FLOTILLA_MODEL_TOKEN';

/** A TOML basic string. */
const toml = (value: string): string => JSON.stringify(value);

export const codex: AgentDefinition = {
  agentType: 'codex',
  command: () => platformBinary('@zed-industries/codex-acp', 'bin/codex-acp'),
  launch: ({ home, gatewayUrl, token, model, permissionPolicy }) => ({
    args: [],
    env: { CODEX_HOME: `${home}/.codex`, [TOKEN_VARIABLE]: token, RUST_LOG: 'warn' },
    files: {
      '.codex/config.toml': [
        ...(model ? [`model = ${toml(model)}`] : []),
        'model_provider = "flotilla"',
        `approval_policy = ${toml(permissionPolicy === 'allow' ? 'never' : 'untrusted')}`,
        'sandbox_mode = "danger-full-access"',
        '',
        '[model_providers.flotilla]',
        'name = "Flotilla model gateway"',
        `base_url = ${toml(gatewayUrl)}`,
        `env_key = ${toml(TOKEN_VARIABLE)}`,
        'wire_api = "responses"',
        '',
      ].join('\n'),
    },
  }),
};
