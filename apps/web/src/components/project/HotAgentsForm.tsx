/**
 * The project's hot agents on the settings page (issue 15): how many prepared agents it keeps per
 * agent type (0–5), with what they cost, and how many are ready now. A hot agent is a copy of the
 * repository with the agent already started, on the node the project's last task left warm: the
 * next task skips the node, the clone and the agent's start. Saved with
 * `PATCH /api/projects/:id {hotAgents}`; the ready ones come from `GET /api/projects/:id/hot-agents`.
 */
import { AGENT_CATALOG, MAX_HOT_AGENTS, type Project } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { useTransientNotice } from '../../lib/transient-notice';

/** How often the count of ready hot agents is refreshed while the page is open (ms). */
const HOT_AGENTS_POLL_MS = 10_000;

export function HotAgentsForm({ project }: { project: Project }) {
  const titleId = useId();
  const helpId = useId();
  const queryClient = useQueryClient();
  const [count, setCount] = useState(String(project.hotAgents));
  const saved = useTransientNotice();
  const hotAgents = useQuery({ queryKey: ['hot-agents', project.id], queryFn: () => api.listHotAgents(project.id), refetchInterval: HOT_AGENTS_POLL_MS });
  const save = useMutation({
    mutationFn: (hotAgents: number) => api.updateProject(project.id, { hotAgents }),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.project(project.id), updated);
      setCount(String(updated.hotAgents));
      saved.show('Hot agents saved.');
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(Number(count));
  };

  const ready = (hotAgents.data ?? []).filter((hot) => hot.status === 'ready');
  const readyByAgent = [...new Set(ready.map((hot) => hot.agentType))].map((type) => `${ready.filter((hot) => hot.agentType === type).length} ${AGENT_CATALOG[type].label}`);
  return (
    <form className="card form hot-agents" onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>Hot agents</h2>
      <p id={helpId} className="muted small">
        A hot agent is a copy of the repository with the agent already started, waiting on the node your last task left running. The next task
        uses it and starts in a moment instead of seconds; each is used by one task only and then replaced. What it costs: it keeps that node
        for this project, running until its idle time runs out (30 minutes after the last task unless your operator set another) — node time a
        cloud provider bills — with an idle agent and a copy of the repository on it.
      </p>
      <label>
        Hot agents per agent type (0 keeps none)
        <input
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_HOT_AGENTS}
          step={1}
          value={count}
          onChange={(e) => {
            setCount(e.target.value);
            saved.clear();
          }}
          aria-describedby={helpId}
          required
        />
      </label>
      <p className="muted small" aria-live="polite">
        {ready.length === 0 ? 'None ready now.' : `Ready now: ${readyByAgent.join(', ')}.`}
      </p>
      {save.isError && (
        <p role="alert" className="error small">
          {errorText(save.error)}
        </p>
      )}
      {saved.notice && (
        <p role="status" className="notice small">
          {saved.notice}
        </p>
      )}
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save hot agents'}
      </button>
    </form>
  );
}
