/**
 * `flotilla agents [--json]` (issue 13, item 3), against a running control plane (`--server URL`,
 * else the running `flotilla up`): every agent type from `GET /api/agents` — its label, whether
 * the nodes have it installed, its credentials (a stored key, masked; "from environment": the
 * nodes' own environment has what it needs; or what is missing) — then, for each agent that is
 * not ready, how to give it what it lacks: the variables for `flotilla up`'s environment, or a
 * key stored in the web app's settings. Exit code 0, or 1 when the server refused.
 */
import { AGENT_CATALOG, AgentType, MODEL_API_SETTINGS, type AgentInfo } from '@flotilla/contracts';
import { connectToServer, refusalsAsExitCode, write, type ServerOptions } from './server-connection.js';

const HEADER = ['AGENT', 'LABEL', 'INSTALLED', 'CREDENTIALS'] as const;

/** "yes" / "no" as the newest node announcement says, "?" before any node announced. */
function installedCell(agent: AgentInfo): string {
  if (!agent.nodes) return '?';
  return agent.nodes.installed ? 'yes' : 'no';
}

/** The stored credential (masked, with its model and base URL), the nodes' environment, or what is missing. */
function credentialsCell(agent: AgentInfo): string {
  const missing = agent.missing.length > 0 ? `missing: ${agent.missing.join(', ')}` : '';
  if (agent.credential) {
    const details = [agent.credential.model && `model ${agent.credential.model}`, agent.credential.baseUrl && `at ${agent.credential.baseUrl}`].filter(Boolean).join(', ');
    return [`stored ${agent.credential.masked}${details ? ` (${details})` : ''}`, missing].filter(Boolean).join('; ');
  }
  if (agent.nodes && agent.nodes.missing.length === 0) return 'from environment';
  return missing;
}

/**
 * How to give `agent` what it lacks, or null when it is ready: the variables to set for
 * `flotilla up` (one of several secrets: the first), or a key stored in the settings.
 */
export function agentHint(agent: AgentInfo): string | null {
  if (agent.ready) return null;
  if (agent.nodes && !agent.nodes.installed) return `${agent.agentType}: not installed on the nodes (the node daemon installs ${agent.package}; or set FLOTILLA_AGENT_COMMAND_${agent.agentType.toUpperCase().replace(/-/g, '_')}).`;
  const variables = agent.missing.map((setting) => `${setting.split(' or ')[0]}=…`).join(' ');
  const baseUrl = agent.settings.find((name) => name.endsWith('BASE_URL'));
  const elsewhere = baseUrl ? ` (${baseUrl}=… for another endpoint)` : '';
  const store = agent.credential ? 'store its key again with what is missing' : 'store a key';
  return `${agent.agentType}: \`${variables} flotilla up\`${elsewhere}, or ${store} in the web app's settings (Agent keys).`;
}

/** The table of `agents` (a header, one row each, columns padded), then a hint per agent that is not ready. */
export function agentsReport(agents: readonly AgentInfo[]): string[] {
  const rows = [HEADER as readonly string[], ...agents.map((agent) => [agent.agentType, agent.label, installedCell(agent), credentialsCell(agent)])];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
  const hints = agents.map(agentHint).filter((hint): hint is string => hint !== null);
  if (hints.length > 0) lines.push('', 'To set what is missing:', ...hints.map((hint) => `  ${hint}`));
  if (agents.every((agent) => agent.nodes === null)) {
    lines.push('', "No node has announced its agents yet: what the nodes' own environment provides shows once a node has started (after the first task).");
  }
  return lines;
}

/**
 * Help text naming the variables each agent takes from the environment of `flotilla up` /
 * `flotilla run` (contracts `AGENT_CATALOG`, `MODEL_API_SETTINGS`): its key, base URL and model,
 * the model marked as needed where the agent needs one.
 */
export function agentVariablesHelp(): string {
  const lines = AgentType.options.map((agentType) => {
    const entry = AGENT_CATALOG[agentType];
    const settings = MODEL_API_SETTINGS[entry.modelApi];
    const model = settings.model ? `, ${settings.model}${entry.requiresModel ? ' (needed)' : ' (optional)'}` : '';
    return `  ${agentType.padEnd(12)} ${settings.secrets.join(' or ')}, ${settings.baseUrl}${model}`;
  });
  return ['', 'Agent credentials, from the environment of `flotilla up` / `flotilla run` (or stored in the settings):', ...lines].join('\n');
}

/** `flotilla agents [--json]`. */
export async function agentsCommand(options: ServerOptions & { json?: boolean }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const agents = await connectToServer(options).listAgents();
    if (options.json) write(JSON.stringify(agents));
    else for (const line of agentsReport(agents)) write(line);
    return 0;
  });
}
