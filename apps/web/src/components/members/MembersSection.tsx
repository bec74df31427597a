/**
 * The "Members" section of a project's settings (issue 14, item 2): who belongs to the project and
 * with what role, the invites still waiting, and — for admins and the owner — role changes,
 * "Remove", the invite form; for the owner, "Transfer ownership". Everyone who can open the
 * project reads the list; the server refuses what the caller's role may not do (403) anyway.
 */
import type { Project } from '@flotilla/contracts';
import { errorText } from '../../lib/api';
import { useMembers } from '../../lib/member-queries';
import { rightsOf, roleOf } from '../../lib/project-role';
import { useMe } from '../../lib/user-queries';
import { InviteMemberForm } from './InviteMemberForm';
import { MemberRow } from './MemberRow';
import { OpenInvites } from './OpenInvites';
import { TransferOwnership } from './TransferOwnership';

export function MembersSection({ project }: { project: Project }) {
  const members = useMembers(project.id);
  const me = useMe();
  const rights = rightsOf(roleOf(project));
  const list = members.data?.members ?? [];
  return (
    <section className="card members" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <p className="muted small">Owner and admins change settings and members; members run tasks and chat; viewers read.</p>
      {members.isPending && <p className="muted small">Loading members…</p>}
      {members.isError && (
        <p role="alert" className="error small">
          Could not load the members: {errorText(members.error)}
        </p>
      )}
      {list.length > 0 && (
        <ul className="member-list" aria-label="Members">
          {list.map((member) => (
            <MemberRow key={member.userId} projectId={project.id} member={member} callerRole={rights.role} isYou={me.data?.id === member.userId} />
          ))}
        </ul>
      )}
      {members.data && <OpenInvites projectId={project.id} invites={members.data.invites} callerRole={rights.role} />}
      {rights.canManage && <InviteMemberForm projectId={project.id} callerRole={rights.role} />}
      {rights.isOwner && members.data && <TransferOwnership projectId={project.id} members={list} />}
    </section>
  );
}
