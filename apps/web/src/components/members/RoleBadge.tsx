/** A project role as a small badge ("Viewer"), in the members list and on the project list. */
import type { ProjectRole } from '@flotilla/contracts';
import { ROLE_HINTS, ROLE_WORDS } from '../../lib/member-rules';

export function RoleBadge({ role }: { role: ProjectRole }) {
  return (
    <span className={`badge role-badge role-${role}`} data-role={role} title={`${ROLE_WORDS[role]}: ${ROLE_HINTS[role]}`}>
      {ROLE_WORDS[role]}
    </span>
  );
}
