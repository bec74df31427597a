/** Priority, agent and VM size of a new task, collapsed by default (empty = project default). */
import { VmSize } from '@flotilla/contracts';
import { AgentSelect } from '../agents/AgentSelect';

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
        <AgentSelect label="Agent" value={value.agentType} onChange={(agentType) => onChange({ ...value, agentType })} defaultOption="Project default" />
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
