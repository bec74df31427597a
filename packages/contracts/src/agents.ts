import * as z from 'zod';

/**
 * Agents a node daemon knows how to start. Each speaks the Agent Client Protocol over stdio.
 * - `claude-code`: Claude Code through its ACP adapter (`@agentclientprotocol/claude-agent-acp`);
 * - `codex`: OpenAI Codex through Zed's adapter (`@zed-industries/codex-acp`);
 * - `gemini`: Google's Gemini CLI (`@google/gemini-cli`, `gemini --acp`);
 * - `opencode`: OpenCode (`opencode-ai`, `opencode acp`);
 * - `qwen-code`: Qwen Code (`@qwen-code/qwen-code`, `qwen --acp`);
 * - `cline`: Cline's CLI (`cline`, `cline --acp`).
 * What each needs and how it is started: {@link AGENT_CATALOG} here, and the node daemon's agent
 * registry (packages/node-daemon/src/agents/registry/). (Tests run packages/testkit's scripted
 * agent in place of these through the node daemon's agent-command override,
 * `FLOTILLA_AGENT_COMMAND_<TYPE>`; it is not a product agent type.)
 */
export const AgentType = z.enum(['claude-code', 'codex', 'gemini', 'opencode', 'qwen-code', 'cline']);
export type AgentType = z.infer<typeof AgentType>;

export const DEFAULT_AGENT_TYPE: AgentType = 'claude-code';

/**
 * Environment variables holding agent credentials and where they point: an API key (or a
 * subscription's token), the API's base URL, and the model to ask for. They are read from the
 * CLI's environment and the node daemon's, handed only to the node's model gateway (never to the
 * agent, never logged, never used by the daemon for anything else).
 * - Anthropic (Claude Code): `ANTHROPIC_API_KEY` or `CLAUDE_CODE_OAUTH_TOKEN`, `ANTHROPIC_BASE_URL`;
 * - OpenAI and OpenAI-compatible servers (Codex, OpenCode, Qwen Code, Cline): `OPENAI_API_KEY`,
 *   `OPENAI_BASE_URL` (with its `/v1`), `OPENAI_MODEL`;
 * - Google Gemini (Gemini CLI): `GEMINI_API_KEY`, `GOOGLE_GEMINI_BASE_URL`, `GEMINI_MODEL`.
 */
export const AGENT_CREDENTIAL_ENV = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_MODEL',
  'GEMINI_API_KEY',
  'GOOGLE_GEMINI_BASE_URL',
  'GEMINI_MODEL',
] as const;
export type AgentCredentialName = (typeof AGENT_CREDENTIAL_ENV)[number];

/** The model APIs agents speak; the node's model gateway has one upstream for each. */
export const ModelApi = z.enum(['anthropic', 'openai', 'gemini']);
export type ModelApi = z.infer<typeof ModelApi>;

/** The variables of each model API: its secret(s), its base URL, and its model (null: the API's agents choose their model themselves). */
export const MODEL_API_SETTINGS = {
  anthropic: { secrets: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'], baseUrl: 'ANTHROPIC_BASE_URL', model: null },
  openai: { secrets: ['OPENAI_API_KEY'], baseUrl: 'OPENAI_BASE_URL', model: 'OPENAI_MODEL' },
  gemini: { secrets: ['GEMINI_API_KEY'], baseUrl: 'GOOGLE_GEMINI_BASE_URL', model: 'GEMINI_MODEL' },
} as const satisfies Record<ModelApi, { secrets: readonly AgentCredentialName[]; baseUrl: AgentCredentialName; model: AgentCredentialName | null }>;

/** What Flotilla knows about an agent type, everywhere (CLI, control plane, web app, node daemon). */
export interface AgentCatalogEntry {
  /** Its name for people. */
  label: string;
  /** The npm package and version the node daemon installs (pinned in its package.json). */
  package: string;
  /** The model API it calls (through the node's model gateway). */
  modelApi: ModelApi;
  /** Whether it needs a model name (`OPENAI_MODEL`): an OpenAI-compatible server has no default model. */
  requiresModel: boolean;
  /** Hosts of its vendor's model API, on its workspace's egress allowlist. */
  modelApiHosts: readonly string[];
  /** One line for the agent picker and `flotilla agents`. */
  summary: string;
}

export const AGENT_CATALOG: Record<AgentType, AgentCatalogEntry> = {
  'claude-code': {
    label: 'Claude Code',
    package: '@agentclientprotocol/claude-agent-acp@0.101.0',
    modelApi: 'anthropic',
    requiresModel: false,
    modelApiHosts: ['api.anthropic.com'],
    summary: "Anthropic's coding agent (API key or a Claude subscription's OAuth token)",
  },
  codex: {
    label: 'Codex',
    package: '@zed-industries/codex-acp@0.16.0',
    modelApi: 'openai',
    requiresModel: false,
    modelApiHosts: ['api.openai.com'],
    summary: "OpenAI's coding agent (OpenAI Responses API)",
  },
  gemini: {
    label: 'Gemini CLI',
    package: '@google/gemini-cli@0.61.0',
    modelApi: 'gemini',
    requiresModel: false,
    modelApiHosts: ['generativelanguage.googleapis.com'],
    summary: "Google's coding agent (Gemini API)",
  },
  opencode: {
    label: 'OpenCode',
    package: 'opencode-ai@1.18.33',
    modelApi: 'openai',
    requiresModel: true,
    modelApiHosts: ['api.openai.com'],
    summary: 'open-source coding agent, on any OpenAI-compatible endpoint',
  },
  'qwen-code': {
    label: 'Qwen Code',
    package: '@qwen-code/qwen-code@0.24.4',
    modelApi: 'openai',
    requiresModel: true,
    modelApiHosts: ['api.openai.com'],
    summary: 'Qwen coding agent, on any OpenAI-compatible endpoint',
  },
  cline: {
    label: 'Cline',
    package: 'cline@3.0.65',
    modelApi: 'openai',
    requiresModel: true,
    modelApiHosts: ['api.openai.com'],
    summary: "Cline's CLI, on any OpenAI-compatible endpoint",
  },
};

/** The settings of agent credentials, by variable name (a node's environment, or a stored credential's fields). */
export type AgentCredentialValues = Readonly<Partial<Record<AgentCredentialName, string>>>;

/**
 * What an agent of `agentType` still lacks with `values`: one entry per missing setting, naming
 * its variable(s) — e.g. `OPENAI_API_KEY`, or `ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN`.
 * Empty when it has what it needs.
 */
export function missingAgentSettings(agentType: AgentType, values: AgentCredentialValues): string[] {
  const entry = AGENT_CATALOG[agentType];
  const settings = MODEL_API_SETTINGS[entry.modelApi];
  const missing: string[] = [];
  if (!settings.secrets.some((name) => values[name])) missing.push(settings.secrets.join(' or '));
  if (entry.requiresModel && settings.model && !values[settings.model]) missing.push(settings.model);
  return missing;
}

/**
 * Credentials the control plane hands a node daemon with a start request: a stored, decrypted
 * agent credential by environment variable name (a key or token, and its base URL and model when
 * stored). Its key replaces every key of that model API the daemon has (a stored
 * ANTHROPIC_API_KEY also drops the daemon's CLAUDE_CODE_OAUTH_TOKEN), its base URL and model,
 * when stored, the daemon's (node daemon agent-credentials.ts `withOverrides`). They go only to the
 * node's model gateway, and are never logged nor persisted.
 */
export const AgentCredentialOverrides = z
  .object(Object.fromEntries(AGENT_CREDENTIAL_ENV.map((name) => [name, z.string().min(1).max(4096).optional()])) as Record<AgentCredentialName, z.ZodOptional<z.ZodString>>)
  .strict();
export type AgentCredentialOverrides = z.infer<typeof AgentCredentialOverrides>;

/**
 * Whether a node can run an agent type: `installed` — its command is there (the node daemon's
 * package, or an operator's `FLOTILLA_AGENT_COMMAND_<TYPE>`); `missing` — the settings its own
 * environment lacks ({@link missingAgentSettings}; a user's stored credential can supply them).
 */
export const AgentAvailability = z.object({
  agentType: AgentType,
  installed: z.boolean(),
  missing: z.array(z.string()),
});
export type AgentAvailability = z.infer<typeof AgentAvailability>;
