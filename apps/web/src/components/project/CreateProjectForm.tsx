/**
 * Create a project: name, repository path or URL, default branch, default agent. The control
 * plane checks the repository and branch before it stores the project; its refusal is shown under
 * the field it is about (repository-check.ts), with what was typed kept. When the git server
 * refused access, the form to save a repository token for its host follows (a new user has no
 * project settings to save it in yet).
 */
import { AgentType, type CreateProjectRequest } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { AgentSelect } from '../agents/AgentSelect';
import { FieldError } from './FieldError';
import { RepositoryToken } from './RepositoryToken';
import { CHECKING_REPOSITORY, repositoryRefusalOf } from './repository-check';

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

  const refusal = repositoryRefusalOf(create.error);
  const fieldError = (field: 'repoUrl' | 'defaultBranch') => (refusal?.field === field ? refusal.message : null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, repoUrl, defaultBranch: defaultBranch || undefined, defaultAgentType: agent });
  };

  return (
    <>
      <form className="card form" onSubmit={submit} aria-labelledby="create-project-title">
        <h2 id="create-project-title">New project</h2>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Repository (path or git URL)
          <input
            value={repoUrl}
            onChange={(e) => setRepoUrl(e.target.value)}
            required
            placeholder="/home/me/src/app or https://…"
            aria-invalid={fieldError('repoUrl') ? true : undefined}
            aria-describedby={fieldError('repoUrl') ? 'create-project-repo-error' : undefined}
          />
        </label>
        <FieldError id="create-project-repo-error" message={fieldError('repoUrl')} />
        <div className="row">
          <label>
            Default branch
            <input
              value={defaultBranch}
              onChange={(e) => setDefaultBranch(e.target.value)}
              aria-invalid={fieldError('defaultBranch') ? true : undefined}
              aria-describedby={fieldError('defaultBranch') ? 'create-project-branch-error' : undefined}
            />
          </label>
          <AgentSelect label="Default agent" value={agent} onChange={(value) => setAgent(AgentType.parse(value))} />
        </div>
        <FieldError id="create-project-branch-error" message={fieldError('defaultBranch')} />
        {create.isError && !refusal && <p role="alert" className="error">{errorText(create.error)}</p>}
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? CHECKING_REPOSITORY : 'Create project'}
        </button>
      </form>
      {refusal?.problem === 'repository_access_denied' && <RepositoryToken repoUrl={repoUrl} />}
    </>
  );
}
