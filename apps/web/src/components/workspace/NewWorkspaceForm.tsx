/**
 * "New workspace": a workspace with no task, to work with an agent interactively
 * (`POST /api/projects/:id/workspaces`). The user picks the agent and whether the agent may run
 * its tools without asking (`allow`) or must ask on the workspace page first (`ask`); on success
 * the workspace page opens and shows the set-up steps.
 */
import { AgentType } from '@flotilla/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, errorText } from '../../lib/api';
import { useProjectRights } from '../../lib/project-role';
import { AgentSelect } from '../agents/AgentSelect';

export function NewWorkspaceForm({ projectId }: { projectId: string }) {
  const navigate = useNavigate();
  const [agentType, setAgentType] = useState('');
  const [policy, setPolicy] = useState<'ask' | 'allow'>('ask');
  const create = useMutation({
    mutationFn: () => api.createWorkspace(projectId, { permissionPolicy: policy, ...(agentType ? { agentType: AgentType.parse(agentType) } : {}) }),
    onSuccess: (created) => navigate(`/projects/${projectId}/workspaces/${created.workspaceId}`),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  // A viewer reads: no new workspace (issue 14 item 2).
  const { canWrite } = useProjectRights(projectId);
  if (!canWrite) return null;

  return (
    <details className="new-workspace">
      <summary>New workspace</summary>
      <form onSubmit={submit} aria-label="New workspace">
        <p className="muted small">A workspace on its own branch where you talk to the agent yourself; no task.</p>
        <AgentSelect label="Agent" value={agentType} onChange={setAgentType} defaultOption="Project default" />
        <fieldset>
          <legend>When the agent wants to use a tool</legend>
          <label>
            <input type="radio" name="permission-policy" value="ask" checked={policy === 'ask'} onChange={() => setPolicy('ask')} /> Ask me first
          </label>
          <label>
            <input type="radio" name="permission-policy" value="allow" checked={policy === 'allow'} onChange={() => setPolicy('allow')} /> Go ahead without asking
          </label>
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create workspace'}
        </button>
        {create.isError && (
          <p role="alert" className="error small">
            {errorText(create.error)}
          </p>
        )}
      </form>
    </details>
  );
}
