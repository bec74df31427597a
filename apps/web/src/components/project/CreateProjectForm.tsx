/** Create a project: name, repository path or URL, default branch, default agent. */
import { AgentType, type CreateProjectRequest } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { AgentSelect } from '../agents/AgentSelect';

export function CreateProjectForm() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [repoUrl, setRepoUrl] = useState('');
  const [defaultBranch, setDefaultBranch] = useState('main');
  const [agent, setAgent] = useState<AgentType>('claude-code');
  const create = useMutation({
    mutationFn: (input: CreateProjectRequest) => api.createProject(input),
    onSuccess: async (project) => {
      await queryClient.invalidateQueries({ queryKey: keys.projects });
      void navigate(`/projects/${project.id}/chat`);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, repoUrl, defaultBranch: defaultBranch || undefined, defaultAgentType: agent });
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="create-project-title">
      <h2 id="create-project-title">New project</h2>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        Repository (path or git URL)
        <input value={repoUrl} onChange={(e) => setRepoUrl(e.target.value)} required placeholder="/home/me/src/app or https://…" />
      </label>
      <div className="row">
        <label>
          Default branch
          <input value={defaultBranch} onChange={(e) => setDefaultBranch(e.target.value)} />
        </label>
        <AgentSelect label="Default agent" value={agent} onChange={(value) => setAgent(AgentType.parse(value))} />
      </div>
      {create.isError && <p role="alert" className="error">{errorText(create.error)}</p>}
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create project'}
      </button>
    </form>
  );
}
