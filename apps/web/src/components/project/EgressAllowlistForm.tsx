/**
 * The project's egress allowlist on the settings page (issue 12): the hosts its agents may reach
 * besides those every workspace gets (the repository's git host, package registries, the agent's
 * model API). One host per line, checked as you save (lib/egress.ts: contracts `EgressHost`, a
 * host name or `*.example.com` for its subdomains); a bad line is named at the field and nothing is sent.
 * Saved with `PATCH /api/projects/:id {egressAllowlist}`; what the API refuses shows there too.
 */
import { PACKAGE_REGISTRY_HOSTS, type Project } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { parseAllowlist } from '../../lib/egress';
import { useTransientNotice } from '../../lib/transient-notice';
import { keys } from '../../lib/queries';

export function EgressAllowlistForm({ project }: { project: Project }) {
  const titleId = useId();
  const fieldId = useId();
  const queryClient = useQueryClient();
  const [text, setText] = useState(() => project.egressAllowlist.join('\n'));
  const [problem, setProblem] = useState<string | null>(null);
  const saved = useTransientNotice();
  const save = useMutation({
    mutationFn: (hosts: string[]) => api.updateProject(project.id, { egressAllowlist: hosts }),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.project(project.id), updated);
      setText(updated.egressAllowlist.join('\n'));
      saved.show('Allowlist saved.');
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseAllowlist(text);
    if ('problem' in parsed) {
      setProblem(parsed.problem);
      save.reset();
      return;
    }
    setProblem(null);
    save.mutate(parsed.hosts);
  };

  const error = problem ?? (save.isError ? errorText(save.error) : null);
  return (
    <form className="card form" onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>Network access</h2>
      <p className="muted small">
        Agents reach the network only through their workspace&apos;s proxy. Always allowed: the repository&apos;s git host, the agent&apos;s model API and
        package registries ({PACKAGE_REGISTRY_HOSTS.slice(0, 3).join(', ')}, …). Everything else is refused unless listed here.
      </p>
      <label>
        Extra hosts agents may reach (one per line)
        <textarea
          id={fieldId}
          rows={4}
          spellCheck={false}
          autoCapitalize="off"
          placeholder={'docs.example.com\n*.internal.example.com'}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            saved.clear();
          }}
          aria-invalid={error !== null}
          aria-describedby={error ? `${fieldId}-error` : undefined}
        />
      </label>
      {error && (
        <p id={`${fieldId}-error`} role="alert" className="error small">
          {error}
        </p>
      )}
      {saved.notice && problem === null && (
        <p role="status" className="notice small">
          {saved.notice}
        </p>
      )}
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save allowlist'}
      </button>
    </form>
  );
}
