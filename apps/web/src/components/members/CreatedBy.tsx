/**
 * "by <login>" for a task someone created (`Task.createdBy`, issue 14 item 2): on its board card
 * and in its session header. Nothing for tasks of the operator, the shared token or a trigger.
 */
import type { UserRef } from '@flotilla/contracts';
import { UserAvatar } from './UserAvatar';

export function CreatedBy({ user }: { user: UserRef | null | undefined }) {
  if (!user) return null;
  return (
    <span className="created-by muted small" title={user.name ?? undefined} data-testid="created-by">
      <UserAvatar user={user} size={16} />
      by {user.login}
    </span>
  );
}
