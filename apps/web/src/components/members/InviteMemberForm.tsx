/**
 * "Invite someone" in the Members section (admins and the owner): a GitHub login or an email
 * address and the role. Someone who has signed in before is added at once ("Added bob as a
 * viewer."); anyone else gets an invite and joins when they first sign in. The API's refusal
 * shows as its message.
 */
import { AssignableRole, type InviteMemberResponse, type ProjectRole } from '@flotilla/contracts';
import { useId, useState, type FormEvent } from 'react';
import { errorText } from '../../lib/api';
import { useInviteMember } from '../../lib/member-queries';
import { assignableRoles, inviteRequestOf, ROLE_HINTS, ROLE_WORDS } from '../../lib/member-rules';

/** The sentence for the API's answer to an invite. */
function answerWords(answer: InviteMemberResponse): string {
  if (answer.member) return `Added ${answer.member.login} as ${ROLE_WORDS[answer.member.role].toLowerCase()}.`;
  if (answer.invite) return `Invited ${answer.invite.value} as ${ROLE_WORDS[answer.invite.role].toLowerCase()} — they join when they first sign in.`;
  return 'Done.';
}

export function InviteMemberForm({ projectId, callerRole }: { projectId: string; callerRole: ProjectRole | null }) {
  const id = useId();
  const roles = assignableRoles(callerRole);
  const [who, setWho] = useState('');
  const [role, setRole] = useState<AssignableRole>('member');
  const [problem, setProblem] = useState<string | null>(null);
  const [answer, setAnswer] = useState<string | null>(null);
  const invite = useInviteMember(projectId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAnswer(null);
    const parsed = inviteRequestOf(who, role);
    if ('error' in parsed) {
      setProblem(parsed.error);
      return;
    }
    setProblem(null);
    invite.mutate(parsed.request, {
      onSuccess: (result) => {
        setAnswer(answerWords(result));
        setWho('');
      },
    });
  };

  const error = problem ?? (invite.isError ? errorText(invite.error) : null);
  return (
    <form className="form invite-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Invite someone</h3>
      <div className="invite-fields">
        <label className="invite-who">
          <span id={`${id}-who`}>GitHub login or email</span>
          <input
            aria-labelledby={`${id}-who`}
            value={who}
            onChange={(e) => setWho(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={problem ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </label>
        <label className="invite-role">
          <span id={`${id}-role`}>Role</span>
          <select aria-labelledby={`${id}-role`} value={role} onChange={(e) => setRole(AssignableRole.parse(e.target.value))}>
            {roles.map((option) => (
              <option key={option} value={option} title={ROLE_HINTS[option]}>
                {ROLE_WORDS[option]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={invite.isPending}>
          {invite.isPending ? 'Inviting…' : 'Invite'}
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className="error small">
          {error}
        </p>
      )}
      {answer && (
        <p role="status" className="notice small">
          {answer}
        </p>
      )}
    </form>
  );
}
