/**
 * The rules of project membership (issue 14, item 2), as pure functions the members routes and
 * their tests share. The caller's role here is their effective one: the operator (local user,
 * shared token, deployment administrators) acts as the owner.
 * - Admins and the owner manage members and viewers; only the owner makes, changes or removes
 *   admins, and invites or withdraws invites as admin.
 * - Nobody changes or removes the owner: ownership moves only by a transfer (owner only, to
 *   another member; the old owner becomes an admin).
 */
import { PROJECT_ROLE_RANK, type ProjectRole } from '@flotilla/contracts';

/** Why a membership change is refused: 403 (the caller's role is too low) or 409 (the target's state forbids it). */
export type Refusal = { status: 403 | 409; message: string } | null;

/** Whether `actor` may give someone the role `role` (invite or change to it). */
export function mayAssign(actor: ProjectRole, role: ProjectRole): Refusal {
  if (role === 'owner') return { status: 409, message: 'a project has one owner: transfer ownership instead' };
  if (role === 'admin' && actor !== 'owner') return { status: 403, message: 'only the project\'s owner may make admins' };
  if (PROJECT_ROLE_RANK[actor] < PROJECT_ROLE_RANK.admin) return { status: 403, message: `managing members needs the role admin; you are ${actor}` };
  return null;
}

/** Whether `actor` may change or remove a member whose role is `target`. */
export function mayManage(actor: ProjectRole, target: ProjectRole): Refusal {
  if (target === 'owner') return { status: 409, message: 'the owner cannot be changed or removed: transfer ownership first' };
  if (target === 'admin' && actor !== 'owner') return { status: 403, message: 'only the project\'s owner may change or remove admins' };
  if (PROJECT_ROLE_RANK[actor] < PROJECT_ROLE_RANK.admin) return { status: 403, message: `managing members needs the role admin; you are ${actor}` };
  return null;
}

/** Whether `actor` may change member `target` from their role to `role`. */
export function mayChangeRole(actor: ProjectRole, target: ProjectRole, role: ProjectRole): Refusal {
  return mayManage(actor, target) ?? mayAssign(actor, role);
}

/** Whether `actor` may make a member whose role is `target` the owner (null target: not a member). */
export function mayTransfer(actor: ProjectRole, target: ProjectRole | null): Refusal {
  if (actor !== 'owner') return { status: 403, message: `transferring ownership needs the role owner; you are ${actor}` };
  if (target === null) return { status: 409, message: 'ownership goes only to a member of the project: add them first' };
  if (target === 'owner') return { status: 409, message: 'they already own the project' };
  return null;
}
