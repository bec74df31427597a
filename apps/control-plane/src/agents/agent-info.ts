/**
 * Whether an agent type can run for a user (issue 13, item 3; contracts `AgentInfo`), from what
 * is known without starting it: the catalog entry, the user's stored credential (shown masked;
 * its base URL and model in clear) and the newest node announcement (`NodeReadyRequest.agents`).
 *
 * A stored credential goes over the node's own settings when the agent starts (the node daemon's
 * `withOverrides`): its key replaces the node's key(s) of the agent's model API, its base URL and
 * model replace the node's when stored, and what it lacks the node's environment may still give.
 * So with a stored credential, what is missing is what neither it nor (once a node announced) the
 * node's environment has; with none, what the announcing node's environment lacks. Before any
 * node announced, with no stored credential, every setting the agent needs is missing — nothing
 * says the nodes have it.
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
    ? missingAgentSettings(agentType, storedCredentialValues(agentType, credential)).filter((setting) => !nodes || nodes.missing.includes(setting))
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
