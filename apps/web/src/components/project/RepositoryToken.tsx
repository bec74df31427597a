/**
 * The repository token of this project's git host (`PUT /api/credentials/git/:host`): stored
 * encrypted, shown only masked, sent to the node with each workspace of a repository on that
 * host so git can clone, push and open the pull request — for a private repository, and on VM
 * nodes, which have no git credentials of their own. Shown only for http(s) repositories.
 */
import { gitHostOf } from '@flotilla/contracts';
import { api } from '../../lib/api';
import { TokenForm } from './TokenForm';

/** The token form of `repoUrl`'s host (a project's repository, or the one a new project is to have). */
export function RepositoryToken({ repoUrl }: { repoUrl: string }) {
  const host = gitHostOf(repoUrl);
  if (!host) return null;
  return (
    <TokenForm
      title={`Repository token for ${host}`}
      kind="git"
      name={host}
      inputLabel="Token"
      save={(token) => api.putGitCredential(host, token)}
      remove={() => api.deleteGitCredential(host)}
    >
      Used by git on the node to clone, push the task branch and open the pull request: needed for a private repository, and on cloud nodes. Stored encrypted, never shown again, never
      given to the agent.
    </TokenForm>
  );
}
