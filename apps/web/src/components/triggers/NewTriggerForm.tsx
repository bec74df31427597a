/**
 * Creating a trigger on the settings page (issue 16 item 4): its kind — a webhook, a schedule
 * (cron expression, UTC) or a label on a GitHub issue (only for a project on github.com) —, its
 * name, the task's description (with `{{name}}` placeholders) and whether the task runs at once or
 * waits in the backlog. What the API refuses (a cron expression it cannot read) shows under the
 * form. The created trigger's secret is handed to `onCreated`, to be shown once.
 */
import type { CreatedTrigger, CreateTriggerRequest, Project, TriggerKind } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { isGitHubProject, triggersKey } from './trigger-words';

const KIND_LABELS: Record<TriggerKind, string> = { webhook: 'Webhook call', schedule: 'Schedule', github_issue: 'Label on a GitHub issue' };

export function NewTriggerForm({ project, onCreated }: { project: Project; onCreated: (created: CreatedTrigger) => void }) {
  const titleId = useId();
  const queryClient = useQueryClient();
  const kinds = (Object.keys(KIND_LABELS) as TriggerKind[]).filter((kind) => kind !== 'github_issue' || isGitHubProject(project.repoUrl));
  const [kind, setKind] = useState<TriggerKind>('webhook');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [cron, setCron] = useState('0 9 * * 1');
  const [label, setLabel] = useState('flotilla');
  const [runNow, setRunNow] = useState(true);
  const create = useMutation({
    mutationFn: (input: CreateTriggerRequest) => api.createTrigger(project.id, input),
    onSuccess: (created) => {
      setName('');
      setDescription('');
      onCreated(created);
      void queryClient.invalidateQueries({ queryKey: triggersKey(project.id) });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const template = { description, run: runNow };
    if (kind === 'schedule') create.mutate({ kind, name, cron, template });
    else if (kind === 'webhook') create.mutate({ kind, name, template });
    else create.mutate({ kind, name, label, ...(description.trim() ? { template } : {}) });
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>New trigger</h2>
      <label>
        Makes a task on
        <select value={kind} onChange={(e) => setKind(e.target.value as TriggerKind)}>
          {kinds.map((option) => (
            <option key={option} value={option}>
              {KIND_LABELS[option]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </label>
      {kind === 'schedule' && (
        <label>
          Cron expression (UTC)
          <input value={cron} onChange={(e) => setCron(e.target.value)} required spellCheck={false} autoCapitalize="off" />
        </label>
      )}
      {kind === 'github_issue' && (
        <label>
          Issue label
          <input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={50} />
        </label>
      )}
      <label>
        {kind === 'github_issue' ? 'Task description (optional: the issue’s title, text and link by default)' : 'Task description'}
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} required={kind !== 'github_issue'} />
      </label>
      <p className="muted small">
        {kind === 'webhook' && 'Fields of the call’s JSON body fill {{name}} placeholders.'}
        {kind === 'schedule' && '{{slot}} is the time the task was due.'}
        {kind === 'github_issue' && 'Placeholders: {{issue.title}}, {{issue.body}}, {{issue.url}}, {{issue.number}}. The result is commented on the issue.'}
      </p>
      <label className="trigger-check">
        <input type="checkbox" checked={runNow} onChange={(e) => setRunNow(e.target.checked)} disabled={kind === 'github_issue' && !description.trim()} />
        Run the task at once (otherwise it waits in the backlog)
      </label>
      {create.isError && (
        <p role="alert" className="error small">
          {errorText(create.error)}
        </p>
      )}
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create trigger'}
      </button>
    </form>
  );
}
