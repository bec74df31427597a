/**
 * Whether an agent type can run for a user (issue 13, item 3; contracts `AgentInfo`), from what
 * is known without starting it: the catalog entry, the user's stored credential (shown masked;
 * its base URL and model in clear) and the newest node announcement (`NodeReadyRequest.agents`).
 *
 * A stored credential replaces the node's own settings of the agent's model API as a whole
 * (contracts `AgentCredentialOverrides`), so when one is stored it alone says what is missing;
 * otherwise the announcing node's environment does. Before any node announced, with no stored
 * credential, every setting the agent needs is missing — nothing says the nodes have it.
 */
import {
  AGENT_CATALOG,
  MODEL_API_SETTINGS,
  missingAgentSettings,
  type AgentAvailability,
  type AgentInfo,
  type AgentType,
  type CredentialInfo,
  type ModelApi,
} from '@flotilla/contracts';
import { storedCredentialValues } from '../credentials/agent-keys.js';

/** The variables that configure agents of `modelApi`: its secret(s), base URL and model (when it has one). */
export function modelApiVariables(modelApi: ModelApi): string[] {
  const settings = MODEL_API_SETTINGS[modelApi];
  return [...settings.secrets, settings.baseUrl, ...(settings.model ? [settings.model] : [])];
}

/**
 * `agentType` as `GET /api/agents` shows it.
 * @param credential - the user's stored credential for it (masked), or null
 * @param announced - the newest node announcement (every agent type it listed), or null when no node announced
 */
export function agentInfo(agentType: AgentType, credential: CredentialInfo | null, announced: readonly AgentAvailability[] | null): AgentInfo {
  const entry = AGENT_CATALOG[agentType];
  const nodes = announced?.find((availability) => availability.agentType === agentType) ?? null;
  const missingSettings = credential
    ? missingAgentSettings(agentType, storedCredentialValues(agentType, credential))
    : (nodes?.missing ?? missingAgentSettings(agentType, {}));
  const installed = nodes?.installed ?? true;
  const ready = installed && missingSettings.length === 0;
  return {
    agentType,
    label: entry.label,
    summary: entry.summary,
    package: entry.package,
    modelApi: entry.modelApi,
    settings: modelApiVariables(entry.modelApi),
    credential,
    nodes,
    ready,
    missing: ready ? [] : missingSettings,
  };
}
