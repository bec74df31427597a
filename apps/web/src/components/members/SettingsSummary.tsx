/**
 * Project settings as read by a member or viewer (issue 14, item 2): what the project runs with —
 * repository, default branch, agent, where its nodes run, VM size — without the form, which only
 * admins and the owner see (the API refuses the change to anyone else).
 */
import { AGENT_CATALOG, type Project, type ProjectRole, type ProviderName } from '@flotilla/contracts';
import { ROLE_WORDS } from '../../lib/member-rules';
import { roleOf } from '../../lib/project-role';

/** How the summary names each provider (as the settings form does). */
const PROVIDER_WORDS: Record<ProviderName, string> = { local: 'This machine (local)', hetzner: 'Hetzner Cloud' };

/** "a viewer", "an admin". */
function roleWithArticle(role: ProjectRole): string {
  const word = ROLE_WORDS[role].toLowerCase();
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

export function SettingsSummary({ project }: { project: Project }) {
  return (
    <section className="card settings-summary" aria-labelledby="settings-summary-title">
      <h2 id="settings-summary-title">Project settings</h2>
      <dl className="settings-facts">
        <dt>Repository</dt>
        <dd>
          <code>{project.repoUrl}</code>
        </dd>
        <dt>Default branch</dt>
        <dd>
          <code>{project.defaultBranch}</code>
        </dd>
        <dt>Default agent</dt>
        <dd>{AGENT_CATALOG[project.defaultAgentType].label}</dd>
        <dt>Nodes run on</dt>
        <dd>{PROVIDER_WORDS[project.defaultProvider]}</dd>
        <dt>Default VM size</dt>
        <dd>{project.defaultVmSize ?? 'Platform default (small)'}</dd>
      </dl>
      <p className="muted small">You are {roleWithArticle(roleOf(project))} of this project: only its admins and owner change its settings.</p>
    </section>
  );
}
