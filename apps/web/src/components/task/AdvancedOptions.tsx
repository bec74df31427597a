/**
 * Priority, agent, VM size and "Run on…" of a new task, collapsed by default (empty = project
 * default). "Run on…" picks several agents (by their names, contracts `AGENT_CATALOG`): the task
 * then runs on each of them at once, one chat session and branch each; one agent picked there is
 * the same as choosing it as the agent.
 */
import { AGENT_CATALOG, AgentType, VmSize } from '@flotilla/contracts';
import { AgentSelect } from '../agents/AgentSelect';

export interface TaskOptions {
  priority: string;
  agentType: string;
  vmSize: string;
  /** Agents ticked under "Run on…", in the catalog's order. */
  runOn: AgentType[];
}

export function AdvancedOptions({ value, onChange }: { value: TaskOptions; onChange(next: TaskOptions): void }) {
  const onSeveral = value.runOn.length > 1;
  const toggle = (agent: AgentType, checked: boolean) => {
    const picked = new Set(value.runOn);
    if (checked) picked.add(agent);
    else picked.delete(agent);
    onChange({ ...value, runOn: AgentType.options.filter((type) => picked.has(type)) });
  };
  return (
    <details className="advanced">
      <summary>Advanced options{onSeveral ? ` · on ${value.runOn.length} agents` : ''}</summary>
      <div className="row">
        <label>
          Priority
          <input type="number" min={0} max={1000} value={value.priority} onChange={(e) => onChange({ ...value, priority: e.target.value })} placeholder="0" />
        </label>
        <AgentSelect
          label="Agent"
          value={onSeveral ? '' : value.agentType}
          onChange={(agentType) => onChange({ ...value, agentType })}
          defaultOption={onSeveral ? 'Several (Run on…)' : 'Project default'}
          disabled={onSeveral}
        />
        <label>
          VM size
          <select value={value.vmSize} onChange={(e) => onChange({ ...value, vmSize: e.target.value })}>
            <option value="">Project default</option>
            {VmSize.options.map((size) => (
              <option key={size}>{size}</option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="run-on">
        <legend>Run on… (pick two or more agents to compare them on this task)</legend>
        <div className="run-on-agents">
          {AgentType.options.map((agent) => (
            <label key={agent}>
              <input type="checkbox" name="run-on" value={agent} checked={value.runOn.includes(agent)} onChange={(e) => toggle(agent, e.target.checked)} />
              {AGENT_CATALOG[agent].label}
            </label>
          ))}
        </div>
      </fieldset>
    </details>
  );
}
