/**
 * The settings page of a member or viewer (issue 14, item 2): what the project runs with, its
 * members, its usage and this browser's notifications — no write controls (those are for admins
 * and the owner), no triggers, webhooks or audit log (admins and the owner read those). A member
 * also sees whose credentials tasks use and sets their own keys and tokens (issue 14 item 3:
 * with "each creator's own", their tasks run on them).
 */
import type { Project } from '@flotilla/contracts';
import { rightsOf, roleOf } from '../../lib/project-role';
import { UsageTable } from '../cost/UsageTable';
import { PushToggle } from '../notifications/PushToggle';
import { AgentKeys } from '../project/AgentKeys';
import { CloudToken } from '../project/CloudToken';
import { CredentialsFromForm } from '../project/CredentialsFromForm';
import { RepositoryToken } from '../project/RepositoryToken';
import { MembersArea } from './MembersArea';
import { SettingsSummary } from './SettingsSummary';

export function ReadOnlySettings({ project }: { project: Project }) {
  return (
    <section className="settings page narrow" aria-label="Settings">
      <SettingsSummary project={project} />
      <MembersArea project={project} />
      <UsageTable projectId={project.id} />
      {rightsOf(roleOf(project)).canWrite && (
        <>
          <CredentialsFromForm project={project} />
          <CloudToken provider="hetzner" />
          <RepositoryToken repoUrl={project.repoUrl} />
          <AgentKeys />
        </>
      )}
      <PushToggle />
    </section>
  );
}
