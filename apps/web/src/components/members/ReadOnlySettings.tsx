/**
 * The settings page of a member or viewer (issue 14, item 2): what the project runs with, its
 * members, its usage and this browser's notifications — no write controls (those are for admins
 * and the owner), no triggers, webhooks or audit log (admins and the owner read those).
 */
import type { Project } from '@flotilla/contracts';
import { UsageTable } from '../cost/UsageTable';
import { PushToggle } from '../notifications/PushToggle';
import { MembersArea } from './MembersArea';
import { SettingsSummary } from './SettingsSummary';

export function ReadOnlySettings({ project }: { project: Project }) {
  return (
    <section className="settings page narrow" aria-label="Settings">
      <SettingsSummary project={project} />
      <MembersArea project={project} />
      <UsageTable projectId={project.id} />
      <PushToggle />
    </section>
  );
}
