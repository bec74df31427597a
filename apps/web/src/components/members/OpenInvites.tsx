/**
 * The invites of a project still waiting for their person to sign in, in the Members section:
 * who (GitHub login or email), the role they will get, when; "Withdraw" for admins and the owner
 * (an invite as admin: the owner only).
 */
import type { ProjectInvite, ProjectRole } from '@flotilla/contracts';
import { errorText } from '../../lib/api';
import { useCancelInvite } from '../../lib/member-queries';
import { ROLE_WORDS } from '../../lib/member-rules';
import { relativeTime } from '../../lib/time';

/** Whether `caller` may withdraw `invite`: admins and the owner; one as admin, the owner only. */
function mayWithdraw(caller: ProjectRole | null, invite: ProjectInvite): boolean {
  return caller === 'owner' || (caller === 'admin' && invite.role !== 'admin');
}

export function OpenInvites({ projectId, invites, callerRole }: { projectId: string; invites: ProjectInvite[]; callerRole: ProjectRole | null }) {
  const cancel = useCancelInvite(projectId);
  if (invites.length === 0) return null;
  return (
    <div className="open-invites">
      <h3>Waiting to sign in</h3>
      <ul className="invite-list" aria-label="Open invites">
        {invites.map((invite) => (
          <li key={invite.id} className="invite-row">
            <span className="invite-who-text">
              <span className="invite-value">{invite.value}</span>
              <span className="muted small">
                {' '}
                {invite.kind === 'github' ? 'GitHub login' : 'email'} · {ROLE_WORDS[invite.role].toLowerCase()} · invited {relativeTime(invite.createdAt)}
              </span>
            </span>
            {mayWithdraw(callerRole, invite) && (
              <button
                type="button"
                className="secondary"
                disabled={cancel.isPending && cancel.variables === invite.id}
                aria-label={`Withdraw the invite of ${invite.value}`}
                onClick={() => cancel.mutate(invite.id)}
              >
                Withdraw
              </button>
            )}
          </li>
        ))}
      </ul>
      {cancel.isError && (
        <p role="alert" className="error small">
          {errorText(cancel.error)}
        </p>
      )}
    </div>
  );
}
