/** Edit a draft or ready task in place: title, description, priority, agent and VM size (what it will run with). */
import { AgentType, VmSize, type Task } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { invalidateProject } from '../../lib/queries';
import { AgentSelect } from '../agents/AgentSelect';

export function DraftEditor({ projectId, task, onDone }: { projectId: string; task: Task; onDone(): void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [priority, setPriority] = useState(String(task.priority));
  const [agent, setAgent] = useState<string>(task.agentType);
  const [vmSize, setVmSize] = useState<string>(task.vmSize ?? '');
  const save = useMutation({
    mutationFn: () =>
      api.updateTask(projectId, task.id, {
        title,
        description,
        priority: Number(priority) || 0,
        agentType: AgentType.parse(agent),
        vmSize: vmSize === '' ? null : VmSize.parse(vmSize),
      }),
    onSuccess: async () => {
      await invalidateProject(queryClient, projectId);
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form className="form draft-editor" onSubmit={submit} aria-label={`Edit ${task.title}`}>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required />
      </label>
      <label>
        Description
        <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} required />
      </label>
      <label>
        Priority
        <input type="number" min={0} max={1000} value={priority} onChange={(e) => setPriority(e.target.value)} />
      </label>
      <AgentSelect label="Agent" value={agent} onChange={setAgent} />
      <label>
        VM size
        <select value={vmSize} onChange={(e) => setVmSize(e.target.value)}>
          <option value="">Project default</option>
          {VmSize.options.map((size) => (
            <option key={size}>{size}</option>
          ))}
        </select>
      </label>
      {save.isError && <p role="alert" className="error small">{errorText(save.error)}</p>}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
