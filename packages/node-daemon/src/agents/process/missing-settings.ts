/**
 * What a user reads when an agent cannot start for want of a credential setting (issue 13: "a task
 * whose agent lacks credentials fails at once naming the setting").
 */
import { AGENT_CATALOG, type AgentType } from '@flotilla/contracts';

/**
 * The failure message for `agentType` lacking `missing` (contracts `missingAgentSettings`), saying
 * where each can be set: the environment of `flotilla up` / the node, or the settings page.
 */
export function missingSettingsMessage(agentType: AgentType, missing: readonly string[]): string {
  const { label } = AGENT_CATALOG[agentType];
  return `${label} (${agentType}) cannot start: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set — set ${missing.length === 1 ? 'it' : 'them'} in the environment of \`flotilla up\` (or of the node daemon), or store a ${label} credential in the project settings`;
}
