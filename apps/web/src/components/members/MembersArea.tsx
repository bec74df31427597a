/**
 * The Members section where people sign in (a sign-in provider is configured). Local mode and the
 * shared API token know no users to invite: there the settings stay as they were, without it.
 */
import type { Project } from '@flotilla/contracts';
import { useAuthProviders } from '../../lib/user-queries';
import { MembersSection } from './MembersSection';

export function MembersArea({ project }: { project: Project }) {
  const providers = useAuthProviders();
  if (!providers.data || providers.data.providers.length === 0) return null;
  return <MembersSection project={project} />;
}
