/**
 * The repository token of this project's git host (`PUT /api/credentials/git/:host`): stored
 * encrypted, shown only masked, sent to the node with each workspace of a repository on that
 * host so git can clone, push and open the pull request — for a private repository, and on VM
 * nodes, which have no git credentials of their own. Shown only for http(s) repositories.
 */
import { gitHostOf, type Project } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';

export function RepositoryToken({ project }: { project: Project }) {
  const host = gitHostOf(project.repoUrl);
  const queryClient = useQueryClient();
  const credentials = useQuery({ queryKey: keys.credentials, queryFn: api.listCredentials, retry: false });
  const [token, setToken] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.credentials });
  const save = useMutation({
    mutationFn: () => api.putGitCredential(host ?? '', token),
    onSuccess: () => {
      setToken('');
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: () => api.deleteGitCredential(host ?? ''), onSuccess: refresh });
  if (!host) return null;
  const stored = credentials.data?.find((c) => c.kind === 'git' && c.name === host);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="repo-token-title">
      <h2 id="repo-token-title">Repository token for {host}</h2>
      <p className="muted small">
        Used by git on the node to clone, push the task branch and open the pull request: needed for a private repository, and on cloud nodes. Stored encrypted, never shown
        again, never given to the agent.
      </p>
      {stored ? (
        <p>
          Stored: <code>{stored.masked}</code>{' '}
          <button type="button" className="small" onClick={() => remove.mutate()} disabled={remove.isPending} aria-label={`Remove the token for ${host}`}>
            Remove
          </button>
        </p>
      ) : (
        credentials.isSuccess && <p className="muted small">No token stored for {host}.</p>
      )}
      <label>
        Token
        <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} minLength={8} required />
      </label>
      {(save.isError || remove.isError) && <p role="alert" className="error small">{errorText(save.error ?? remove.error)}</p>}
      <button type="submit" disabled={save.isPending}>
        Store token
      </button>
    </form>
  );
}
