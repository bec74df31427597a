/**
 * The node environment pointing an agent type at a fake model API, for
 * `bootTestStack({ agents: 'real', nodeEnv })`: the conventional variables of the agent's model
 * API (contracts' `MODEL_API_SETTINGS`): key, base URL and model.
 */
import { AGENT_CATALOG, type AgentType } from '@flotilla/contracts';

/** Model name the fakes are asked for by OpenAI-compatible agents. */
export const FAKE_OPENAI_MODEL_NAME = 'fake-model';
/** Gemini model name used against the fake Gemini API (a real name: Gemini CLI knows its limits). */
export const FAKE_GEMINI_MODEL_NAME = 'gemini-2.5-flash';

/**
 * The node environment for running `agentType` against a fake of its model API.
 * - OpenAI (Codex, OpenCode, Qwen Code, Cline): `OPENAI_API_KEY`, `OPENAI_BASE_URL` = `<url>/v1`, `OPENAI_MODEL` = `fake-model`;
 * - Gemini (Gemini CLI): `GEMINI_API_KEY`, `GOOGLE_GEMINI_BASE_URL` = `<url>`, `GEMINI_MODEL` = `gemini-2.5-flash`;
 * - Anthropic (Claude Code): `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL` = `<url>`.
 *
 * @param agentType the agent type
 * @param fakeUrl the fake's `url` (no path, no trailing slash)
 * @param key the API key the node holds (the fake records its hash)
 */
export function fakeModelNodeEnv(agentType: AgentType, fakeUrl: string, key: string): Record<string, string> {
  const url = fakeUrl.replace(/\/+$/, '');
  switch (AGENT_CATALOG[agentType].modelApi) {
    case 'openai':
      return { OPENAI_API_KEY: key, OPENAI_BASE_URL: `${url}/v1`, OPENAI_MODEL: FAKE_OPENAI_MODEL_NAME };
    case 'gemini':
      return { GEMINI_API_KEY: key, GOOGLE_GEMINI_BASE_URL: url, GEMINI_MODEL: FAKE_GEMINI_MODEL_NAME };
    case 'anthropic':
      return { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: url };
  }
}
