/** Priority, agent and VM size of a new task, collapsed by default (empty = project default). */
import { AgentType, VmSize } from '@flotilla/contracts';

export interface TaskOptions {
  priority: string;
  agentType: string;
  vmSize: string;
}

export function AdvancedOptions({ value, onChange }: { value: TaskOptions; onChange(next: TaskOptions): void }) {
  return (
    <details className="advanced">
      <summary>Advanced options</summary>
      <div className="row">
        <label>
          Priority
          <input type="number" min={0} max={1000} value={value.priority} onChange={(e) => onChange({ ...value, priority: e.target.value })} placeholder="0" />
        </label>
        <label>
          Agent
          <select value={value.agentType} onChange={(e) => onChange({ ...value, agentType: e.target.value })}>
            <option value="">Project default</option>
            {AgentType.options.map((agent) => (
              <option key={agent}>{agent}</option>
            ))}
          </select>
        </label>
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
    </details>
  );
}
