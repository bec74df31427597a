/**
 * One member of a project in the Members section: avatar, login, name and role. For a caller who
 * may manage them (lib/member-rules.ts: admins and the owner; admins only by the owner) the role
 * is a select that saves on change, and "Remove" asks first; the API's refusal shows beside them.
 */
import { AssignableRole, type ProjectMember, type ProjectRole } from '@flotilla/contracts';
import { errorText } from '../../lib/api';
import { useRemoveMember, useUpdateMember } from '../../lib/member-queries';
import { assignableRoles, mayManageMember, ROLE_HINTS, ROLE_WORDS } from '../../lib/member-rules';
import { ConfirmButton } from '../ui/ConfirmButton';
import { RoleBadge } from './RoleBadge';
import { UserAvatar } from './UserAvatar';

interface Props {
  projectId: string;
  member: ProjectMember;
  /** The caller's role (null while unknown). */
  callerRole: ProjectRole | null;
  /** This member is the caller. */
  isYou: boolean;
}

export function MemberRow({ projectId, member, callerRole, isYou }: Props) {
  const update = useUpdateMember(projectId);
  const remove = useRemoveMember(projectId);
  const manageable = mayManageMember(callerRole, member);
  const error = update.error ?? remove.error;
  return (
    <li className="member-row" data-testid="member" data-login={member.login}>
      <UserAvatar user={member} size={32} />
      <span className="member-who">
        <span className="member-login">
          {member.login}
          {isYou && <span className="muted"> (you)</span>}
        </span>
        {member.name && <span className="muted small member-name">{member.name}</span>}
      </span>
      <span className="member-controls">
        {manageable ? (
          <span className="member-role">
            <select
              aria-label={`Role of ${member.login}`}
              value={member.role}
              disabled={update.isPending || remove.isPending}
              onChange={(e) => update.mutate({ userId: member.userId, role: AssignableRole.parse(e.target.value) })}
            >
              {assignableRoles(callerRole).map((role) => (
                <option key={role} value={role} title={ROLE_HINTS[role]}>
                  {ROLE_WORDS[role]}
                </option>
              ))}
            </select>
          </span>
        ) : (
          <RoleBadge role={member.role} />
        )}
        {manageable && (
          <ConfirmButton
            className="secondary"
            disabled={remove.isPending}
            question={`Remove ${member.login}?`}
            confirmLabel="Yes, remove"
            aria-label={`Remove ${member.login}`}
            onConfirm={() => remove.mutate(member.userId)}
          >
            {remove.isPending ? 'Removing…' : 'Remove'}
          </ConfirmButton>
        )}
      </span>
      {error && (
        <p role="alert" className="error small member-error">
          {errorText(error)}
        </p>
      )}
    </li>
  );
}
