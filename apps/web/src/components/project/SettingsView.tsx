/**
 * Project settings: default agent, VM size and node provider; the hosts its agents may reach
 * (egress allowlist); the default branch (checked against the repository before it is saved:
 * the refusal shows under the field); the project's members (members/MembersArea.tsx); whose
 * credentials its tasks use, and the viewer's own cloud token, repository token and agent API keys,
 * stored through the API; at the end, the project's audit log. A member or viewer sees the
 * settings without their write controls (members/ReadOnlySettings.tsx).
 * The page scrolls as a whole (not in an inner pane); "Settings saved." goes away after a few
 * seconds or on the next edit (lib/transient-notice.ts), an error stays until the next save.
 */
import { AgentType, ProviderName, VmSize, type Project, type UpdateProjectRequest } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { useTransientNotice } from '../../lib/transient-notice';
import { AgentSelect } from '../agents/AgentSelect';
import { AuditLog, auditKey } from '../audit/AuditLog';
import { BudgetForm } from '../cost/BudgetForm';
import { UsageTable } from '../cost/UsageTable';
import { PushToggle } from '../notifications/PushToggle';
import { WebhookSettings } from '../notifications/WebhookSettings';
import { AgentKeys } from './AgentKeys';
import { CloudToken } from './CloudToken';
import { CredentialsFromForm } from './CredentialsFromForm';
import { EgressAllowlistForm } from './EgressAllowlistForm';
import { HotAgentsForm } from './HotAgentsForm';
import { FieldError } from './FieldError';
import { CHECKING_REPOSITORY, repositoryRefusalOf } from './repository-check';
import { RepositoryToken } from './RepositoryToken';
import { TriggersCard } from '../triggers/TriggersCard';
import { MembersArea } from '../members/MembersArea';
import { ReadOnlySettings } from '../members/ReadOnlySettings';
import { rightsOf, roleOf } from '../../lib/project-role';

/** How the settings page names each provider. */
const PROVIDER_LABELS: Record<ProviderName, string> = { local: 'This machine (local)', hetzner: 'Hetzner Cloud' };

export function SettingsView({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const [agent, setAgent] = useState<AgentType>(project.defaultAgentType);
  const [vmSize, setVmSize] = useState<string>(project.defaultVmSize ?? '');
  const [provider, setProvider] = useState<ProviderName>(project.defaultProvider);
  const [branch, setBranch] = useState(project.defaultBranch);
  const saved = useTransientNotice();
  const save = useMutation({
    mutationFn: (changes: UpdateProjectRequest) => api.updateProject(project.id, changes),
    onSuccess: (updated) => {
      saved.show('Settings saved.');
      queryClient.setQueryData(keys.project(project.id), updated);
      void queryClient.invalidateQueries({ queryKey: keys.projects });
      void queryClient.invalidateQueries({ queryKey: auditKey(project.id) });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const branchChange = branch.trim() !== project.defaultBranch ? { defaultBranch: branch.trim() } : {};
    saved.clear();
    save.mutate({ defaultAgentType: agent, defaultVmSize: vmSize === '' ? null : VmSize.parse(vmSize), defaultProvider: provider, ...branchChange });
  };
  // A new default branch is checked against the repository; its refusal goes under the field.
  const refusal = repositoryRefusalOf(save.error);
  // Members and viewers read the settings; admins and the owner change them (issue 14 item 2).
  if (!rightsOf(roleOf(project)).canManage) return <ReadOnlySettings project={project} />;

  return (
    <section className="settings page narrow" aria-label="Settings">
      <form className="card form" onSubmit={submit} onChange={saved.clear} aria-labelledby="settings-title">
        <h2 id="settings-title">Project settings</h2>
        <p className="muted small">
          {project.repoUrl} · default branch {project.defaultBranch}
        </p>
        <label>
          Default branch
          <input
            value={branch}
            onChange={(e) => setBranch(e.target.value)}
            required
            aria-invalid={refusal ? true : undefined}
            aria-describedby={refusal ? 'settings-branch-error' : undefined}
          />
        </label>
        <FieldError id="settings-branch-error" message={refusal?.message ?? null} />
        <AgentSelect label="Default agent" value={agent} onChange={(value) => setAgent(AgentType.parse(value))} />
        <label>
          Nodes run on
          <select value={provider} onChange={(e) => setProvider(ProviderName.parse(e.target.value))}>
            {ProviderName.options.map((option) => (
              <option key={option} value={option}>
                {PROVIDER_LABELS[option]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Default VM size
          <select value={vmSize} onChange={(e) => setVmSize(e.target.value)}>
            <option value="">Platform default (small)</option>
            {VmSize.options.map((size) => (
              <option key={size}>{size}</option>
            ))}
          </select>
        </label>
        {save.isError && !refusal && <p role="alert" className="error small">{errorText(save.error)}</p>}
        {saved.notice && <p role="status" className="notice small">{saved.notice}</p>}
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending && branch.trim() !== project.defaultBranch ? CHECKING_REPOSITORY : 'Save settings'}
        </button>
      </form>
      <MembersArea project={project} />
      <BudgetForm project={project} />
      <UsageTable projectId={project.id} />
      <EgressAllowlistForm project={project} />
      <HotAgentsForm project={project} />
      <CredentialsFromForm project={project} />
      <CloudToken provider="hetzner" />
      <RepositoryToken repoUrl={project.repoUrl} />
      <AgentKeys />
      <TriggersCard project={project} />
      <WebhookSettings projectId={project.id} />
      <PushToggle />
      <AuditLog projectId={project.id} />
    </section>
  );
}
