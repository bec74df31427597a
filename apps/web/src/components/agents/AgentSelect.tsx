/**
 * The agent picker (issue 13, item 3), wherever an agent is chosen: task options, the project's
 * default agent, a new workspace. Lists the six agent types by label (contracts
 * `AGENT_CATALOG`); an agent that is not ready (`GET /api/agents`) says what it needs —
 * "Codex — needs OPENAI_API_KEY" — in its option, and under the picker while it is chosen, with
 * where to set it. A server without `GET /api/agents` gets the plain list.
 */
import { AGENT_CATALOG, AgentType, type AgentInfo } from '@flotilla/contracts';
import { useId } from 'react';
import { useAgents } from '../../lib/queries';

/** What an agent still needs, in a few words, or null when it is ready (or nothing is known). */
export function agentNeeds(info: AgentInfo | undefined): string | null {
  if (!info || info.ready) return null;
  if (info.nodes && !info.nodes.installed) return 'not installed on the nodes';
  if (info.missing.length === 0) return null;
  return `needs ${info.missing.join(', ')}`;
}

/** The option text of `agentType`: its label, and what it needs when it is not ready. */
export function agentOptionText(agentType: AgentType, info: AgentInfo | undefined): string {
  const needs = agentNeeds(info);
  return needs ? `${AGENT_CATALOG[agentType].label} — ${needs}` : AGENT_CATALOG[agentType].label;
}

export interface AgentSelectProps {
  label: string;
  /** An agent type, or '' for the default option (when `defaultOption` is given). */
  value: string;
  onChange(value: string): void;
  /** The text of an extra first option with value '' (e.g. "Project default"); none when absent. */
  defaultOption?: string;
  /** Not to be changed now (e.g. while "Run on…" picks several agents). */
  disabled?: boolean;
}

export function AgentSelect({ label, value, onChange, defaultOption, disabled = false }: AgentSelectProps) {
  const hintId = useId();
  const agents = useAgents();
  const infoOf = (agentType: string) => agents.data?.find((agent) => agent.agentType === agentType);
  const chosen = infoOf(value);
  const needs = agentNeeds(chosen);
  return (
    <div className="agent-select">
      <label>
        {label}
        <select value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} aria-describedby={needs ? hintId : undefined}>
          {defaultOption !== undefined && <option value="">{defaultOption}</option>}
          {AgentType.options.map((agentType) => (
            <option key={agentType} value={agentType}>
              {agentOptionText(agentType, infoOf(agentType))}
            </option>
          ))}
        </select>
      </label>
      {needs && chosen && (
        <span id={hintId} className="warning small" role="note">
          {chosen.nodes && !chosen.nodes.installed ? (
            <>{chosen.label} is not installed on the nodes.</>
          ) : (
            <>
              {chosen.label} {needs}: set it in the environment of <code>flotilla up</code>, or store a key under Settings → Agent keys.
            </>
          )}
        </span>
      )}
    </div>
  );
}
