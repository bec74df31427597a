/**
 * Whose credentials the project's tasks run on (issue 14, item 3), on the settings page: the
 * owner's (the default) or each task's creator's own. Credentials — agent keys, repository and
 * cloud tokens — belong to the user who saved them (the cards below this one are the viewer's
 * own). Shown for a project with an owner (one made by a signed-in user); a project of the
 * operator (local mode, the shared token) runs on the operator's. Saved with
 * `PATCH /api/projects/:id {credentialsFrom}` by admins and the owner; others read it.
 */
import type { CredentialsFrom, Project } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { api, errorText } from '../../lib/api';
import { useMembers } from '../../lib/member-queries';
import { rightsOf, roleOf } from '../../lib/project-role';
import { keys } from '../../lib/queries';
import { useTransientNotice } from '../../lib/transient-notice';

export function CredentialsFromForm({ project }: { project: Project }) {
  const titleId = useId();
  const queryClient = useQueryClient();
  const saved = useTransientNotice();
  const members = useMembers(project.id);
  const save = useMutation({
    mutationFn: (credentialsFrom: CredentialsFrom) => api.updateProject(project.id, { credentialsFrom }),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.project(project.id), updated);
      saved.show('Saved.');
    },
  });
  const owner = members.data?.members.find((member) => member.role === 'owner');
  if (!owner) return null;
  const canChange = rightsOf(roleOf(project)).canManage;
  const choices: Array<{ value: CredentialsFrom; label: string; help: string }> = [
    { value: 'owner', label: `The owner's (${owner.login})`, help: `Every task uses ${owner.login}'s agent keys and tokens.` },
    { value: 'creator', label: "Each task creator's own", help: 'A task uses the keys and tokens of the member who created it; tasks made by a trigger use the owner’s.' },
  ];
  return (
    <fieldset className="card form credentials-from" aria-labelledby={titleId} disabled={!canChange || save.isPending}>
      <h2 id={titleId}>Whose credentials tasks use</h2>
      <p className="muted small">
        Agent keys, repository tokens and cloud tokens belong to whoever saved them — the ones on this page are yours. A node only ever holds one
        person’s: tasks on different people’s credentials never share a warm node.
      </p>
      {choices.map((choice) => (
        <label key={choice.value} className="radio-row">
          <input
            type="radio"
            name={`credentials-from-${project.id}`}
            value={choice.value}
            checked={project.credentialsFrom === choice.value}
            onChange={() => {
              saved.clear();
              save.mutate(choice.value);
            }}
          />
          <span>
            {choice.label}
            <span className="muted small block">{choice.help}</span>
          </span>
        </label>
      ))}
      {!canChange && <p className="muted small">Only the owner and admins change this.</p>}
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
    </fieldset>
  );
}
