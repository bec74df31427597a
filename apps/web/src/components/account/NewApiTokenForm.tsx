/**
 * Making a personal API token on the Account page (issue 14 item 4): its name, the projects it
 * reaches (every project, or the ones ticked) and when it expires (30, 90 or 365 days, or never).
 * What the API refuses shows under the form; the new token, with its secret, goes to `onCreated`
 * to be shown once.
 */
import type { CreateApiTokenRequest, CreatedApiToken, Project } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { apiTokensKey } from './token-words';

/** Expiry choices: days, or `never`; 90 is the server's default (API_TOKEN_DEFAULT_TTL_DAYS). */
const EXPIRY_CHOICES = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '365 days' },
  { value: 'never', label: 'Never' },
] as const;

export function NewApiTokenForm({ projects, onCreated }: { projects: Project[]; onCreated: (created: CreatedApiToken) => void }) {
  const titleId = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scoped, setScoped] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const [expiry, setExpiry] = useState<string>('90');
  const create = useMutation({
    mutationFn: (input: CreateApiTokenRequest) => api.createApiToken(input),
    onSuccess: (created) => {
      setName('');
      setPicked([]);
      onCreated(created);
      void queryClient.invalidateQueries({ queryKey: apiTokensKey });
    },
  });

  const toggle = (projectId: string, on: boolean) => setPicked((ids) => (on ? [...ids, projectId] : ids.filter((id) => id !== projectId)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, expiresInDays: expiry === 'never' ? null : Number(expiry), ...(scoped ? { projectIds: picked } : {}) });
  };

  return (
    <form className="card form token-form" onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>New API token</h2>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="laptop, CI…" />
      </label>
      <fieldset className="token-scope">
        <legend>Projects it reaches</legend>
        <label className="token-check">
          <input type="radio" name="token-scope" checked={!scoped} onChange={() => setScoped(false)} />
          Every project
        </label>
        <label className="token-check">
          <input type="radio" name="token-scope" checked={scoped} onChange={() => setScoped(true)} disabled={projects.length === 0} />
          Only these projects
        </label>
        {scoped && (
          <ul className="token-projects" aria-label="Projects of the token">
            {projects.map((project) => (
              <li key={project.id}>
                <label className="token-check">
                  <input type="checkbox" checked={picked.includes(project.id)} onChange={(e) => toggle(project.id, e.target.checked)} />
                  {project.name}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <label>
        Expires
        <select value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      {create.isError && (
        <p role="alert" className="error small">
          {errorText(create.error)}
        </p>
      )}
      <button type="submit" className="primary" disabled={create.isPending || (scoped && picked.length === 0)}>
        {create.isPending ? 'Creating…' : 'Create token'}
      </button>
    </form>
  );
}
