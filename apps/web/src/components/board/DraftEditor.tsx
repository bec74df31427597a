/** Edit a draft or ready task in place: title, description, priority. */
import type { Task } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { invalidateProject } from '../../lib/queries';

export function DraftEditor({ projectId, task, onDone }: { projectId: string; task: Task; onDone(): void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [priority, setPriority] = useState(String(task.priority));
  const save = useMutation({
    mutationFn: () => api.updateTask(projectId, task.id, { title, description, priority: Number(priority) || 0 }),
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
